using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState
{
    // SWIM failure detection with Lifeguard's shrinking suspicion timeout, plus the housekeeping that runs on the
    // same tick: dialling members we have no connection to, closing duplicate connections, reaping departed members.
    public sealed partial class DsnNode
    {
        private const int TickMs = 50;
        private const int IndirectProbes = 3;
        private const int FailedRetryMs = 2000;
        /// <summary>This node's direct probes waiting for the target's Ack (state: the target).</summary>
        private readonly PendingReplies<uint, string> _probes = new PendingReplies<uint, string>(UnguessableIds.NextUInt32);
        /// <summary>This node's indirect probes waiting for a helper to relay the target's signed IndirectAck (state: the target).</summary>
        private readonly PendingReplies<uint, string> _indirectProbes = new PendingReplies<uint, string>(UnguessableIds.NextUInt32);
        /// <summary>Indirect probes this node runs for others: the requester's session and probe id, for relaying the IndirectAck.</summary>
        private readonly PendingReplies<uint, (PeerSession Requester, uint ProbeId)> _relayedProbes =
            new PendingReplies<uint, (PeerSession, uint)>(UnguessableIds.NextUInt32);
        private readonly ProbeScheduler<Member> _probeScheduler;
        private readonly DialPlanner _dialPlanner;
        private readonly DialBackoff _dialBackoff = new DialBackoff();
        private readonly LocalHealth _health = new LocalHealth();
        private readonly Suspicion _suspicion;

        private async Task MaintenanceLoopAsync(CancellationToken token)
        {
            long nextProbe = 0, nextHousekeeping = 0, nextFailedRetry = 0, lastTick = MonotonicMs;
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(MsUntilNextTick(), token).ConfigureAwait(false);
                await WhenThawed().ConfigureAwait(false);
                var now = MonotonicMs;
                if (now - lastTick > 20 * TickMs)
                {
                    // This node was paused (or starved) and heard nothing meanwhile: suspects get their full time
                    // to refute from now, rather than being declared failed by a node that was not listening.
                    lock (_gate)
                        RestartSuspicionClocks(now);
                    _health.Worse();
                }

                lastTick = now;
                if (now >= nextProbe)
                {
                    nextProbe = now + (long)(_options.ProbeInterval.TotalMilliseconds * _health.Factor);
                    var target = NextProbeTarget();
                    if (target is not null)
                        _ = ProbeAsync(target, afterDisconnect: false);
                }

                List<Member> toDial;
                lock (_gate)
                {
                    ExpireSuspicions(now);
                    ExpireLeases();
                    if (now < nextHousekeeping)
                        continue;
                    nextHousekeeping = now + 250;
                    _sessions.CloseDuplicates(now, DuplicateSessionGraceMs);
                    ShedSurplusConnections(now);
                    foreach (var session in _sessions.All())
                        session.CloseIfWriteStalled();
                    ReapDeparted(now);
                    _relayedProbes.Expire(now);
                    toDial = MembersToDial(now);
                    if (now >= nextFailedRetry)
                    {
                        // Failed members may be behind a healed partition: try one now and then (serf's reconnect).
                        nextFailedRetry = now + FailedRetryMs;
                        var failed = _members.All.Where(m => m.Status == DsnPeerStatus.Failed).ToList();
                        if (failed.Count > 0)
                        {
                            var retry = failed[_random.Next(failed.Count)];
                            CloseSilentSessionsTo(retry.NodeId);
                            toDial.Add(retry);
                        }
                    }
                }

                foreach (var member in toDial)
                    _ = DialQuietlyAsync(member.NodeId, member.EndPoint, member.PublicKeyHex);
            }
        }

        /// <summary>
        /// A member declared failed may be behind a partition that has just healed while its old TCP connections wait
        /// out the kernel's retransmission backoff, which doubles for as long as the link was cut (an 8 s cut left
        /// them silent for up to 6 s after the heal). A connection to it that has carried nothing for a whole retry
        /// interval is closed, so the retry dials afresh; one that still carries frames is kept (a member wrongly
        /// declared failed refutes over it without a reconnection).
        /// </summary>
        private void CloseSilentSessionsTo(string nodeId)
        {
            RequireGate();
            var now = MonotonicMs;
            foreach (var session in _sessions.To(nodeId).ToList())
            {
                var silentMs = now - Math.Max(session.OpenedAt, session.LastReceivedAt);
                if (silentMs < FailedRetryMs)
                    continue;
                _counters.Add("sessions.closed.silent_failed");
                session.Close($"nothing arrived for {silentMs} ms from a member declared failed: a fresh connection gets through a healed network sooner");
            }
        }

        /// <summary>
        /// Every node in the process ticks on the same boundaries of one process-wide clock, so the runtime wakes a
        /// thread once per tick for all of them rather than once per node: with many nodes in one process, those
        /// wake-ups (and the spinning of the thread that handled each) were most of what idle nodes cost.
        /// </summary>
        private static int MsUntilNextTick()
        {
            var now = Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000);
            return (int)(TickMs - now % TickMs);
        }

        /// <summary>A joiner connects to every live member at once rather than waiting for housekeeping.</summary>
        private void ConnectToEveryone()
        {
            List<Member> toDial;
            lock (_gate)
                toDial = _members.All.Where(m => !NameRules.SameNodeId(m.NodeId, NodeId) && m.Status == DsnPeerStatus.Alive && !_sessions.IsConnected(m.NodeId))
                    .OrderBy(_ => _random.Next())
                    .Take(Math.Max(0, DialTarget() - _sessions.PeerCount)).ToList();
            foreach (var member in toDial)
                _ = DialQuietlyAsync(member.NodeId, member.EndPoint, member.PublicKeyHex);
        }

        /// <summary>A dial in the background; its outcome tells <see cref="DialBackoff"/> when housekeeping may dial the endpoint again.</summary>
        /// <param name="nodeId">The member to connect to.</param>
        /// <param name="endpoint">Where it said it is.</param>
        /// <param name="publicKeyHex">The key it is bound to, which a failure is held against.</param>
        private async Task DialQuietlyAsync(string nodeId, DsnEndpoint endpoint, string publicKeyHex)
        {
            try
            {
                await GetOrDialAsync(nodeId, endpoint).ConfigureAwait(false);
                _dialBackoff.Succeeded(endpoint);
            }
            catch (Exception error)
            {
                _dialBackoff.Failed(endpoint, MonotonicMs);
                NoteUnreachable(nodeId, publicKeyHex);
                _logger.LogDebug("Could not connect to {Peer} at {EndPoint}: {Reason}", nodeId, endpoint, error.Message);
            }
        }

        /// <summary>This node could not reach a member: evidence against a binding of it learned from gossip only.</summary>
        private void NoteUnreachable(string nodeId, string publicKeyHex)
        {
            lock (_gate)
                _members.NoteUnreachable(nodeId, publicKeyHex);
        }

        /// <summary>Live members to dial now, by <see cref="DialPlanner"/>'s rule.</summary>
        private List<Member> MembersToDial(long now)
        {
            // Beyond the full mesh, a random subset: in member-table order every node would dial the oldest members,
            // which would shed most of them again, and each shed leaves a hole that someone dials.
            var members = BeyondFullMesh ? _members.All.OrderBy(_ => _random.Next()) : _members.All;
            var live = members.Where(m => m.Status == DsnPeerStatus.Alive && !NameRules.SameNodeId(m.NodeId, NodeId)).Select(m => m.NodeId);
            var chosen = _dialPlanner.Choose(live, _sessions.IsConnected, id => _dialing.ContainsKey(id) || _heldOff.IsHeldOff(id, now) || IsBackedOff(id, now),
                _sessions.PeerCount, DialTarget(), now);
            return chosen.Select(id => _members.TryGet(id, out var member) ? member : null).OfType<Member>().ToList();
        }

        /// <summary>The next member to probe, by <see cref="ProbeScheduler{T}"/>'s rule.</summary>
        private string? NextProbeTarget()
        {
            lock (_gate)
            {
                var members = _members.All.ToList();
                return _probeScheduler.TryNext(members, m => !NameRules.SameNodeId(m.NodeId, NodeId) && !m.IsDeparted, m => _sessions.IsConnected(m.NodeId), BeyondFullMesh, out var target)
                    ? target.NodeId
                    : null;
            }
        }

        /// <summary>
        /// Probes a member by <see cref="ProbeRound"/>'s rules, supplying its I/O: the ping on a session (dialled if
        /// need be), helpers chosen among live connected peers, then acts on the verdict. A refused connection is a
        /// strong hint: the member is suspected at once (it still has the suspicion timeout to refute).
        /// </summary>
        private async Task ProbeAsync(string nodeId, bool afterDisconnect)
        {
            DsnEndpoint endpoint;
            uint probeId;
            uint indirectId = 0;
            long incarnation;
            string publicKeyHex;
            bool dialled;
            Task acked;
            lock (_gate)
            {
                if (!_members.TryGet(nodeId, out var member) || member.IsDeparted || NameRules.SameNodeId(nodeId, NodeId))
                    return;
                endpoint = member.EndPoint;
                incarnation = member.Incarnation;
                publicKeyHex = member.PublicKeyHex;
                (probeId, acked) = _probes.Start(nodeId, nodeId);
                _probesInFlight.Add(nodeId);
                dialled = _sessions.Preferred(nodeId) is null;
            }

            var attempts = 0;
            async Task<Func<bool>> PingDirect()
            {
                if (attempts++ > 0)
                    dialled = true; // the retry after a shed connection dials a new one
                var session = await GetOrDialAsync(nodeId, endpoint).ConfigureAwait(false);
                lock (_gate)
                    session.Send(new PingMessage(probeId, Summary()));
                return () => session.WasShed;
            }

            // Only the target's signature over our fresh probe id, relayed by a helper, proves it alive (a helper's
            // word alone does not).
            Task AskHelpers()
            {
                lock (_gate)
                {
                    var helpers = _sessions.Peers.Where(p => !NameRules.SameNodeId(p, nodeId) && _members.TryGet(p, out var m) && m.Status == DsnPeerStatus.Alive)
                        .OrderBy(_ => _random.Next()).Take(IndirectProbes).ToList();
                    if (helpers.Count == 0)
                        return new TaskCompletionSource<bool>().Task;
                    Task indirectAcked;
                    (indirectId, indirectAcked) = _indirectProbes.Start(helpers[0], nodeId);
                    foreach (var helper in helpers)
                    {
                        _indirectProbes.Allow(indirectId, helper);
                        _sessions.Preferred(helper)?.Send(new PingRequestMessage(indirectId, nodeId));
                    }

                    return indirectAcked;
                }
            }

            try
            {
                var round = new ProbeRound(_health, _options.ProbeTimeout, () => MonotonicMs, CompletesWithin);
                var (verdict, unreachable) = await round.RunAsync(new ProbeSteps(PingDirect, acked, AskHelpers, WhenThawed)).ConfigureAwait(false);
                switch (verdict)
                {
                    case ProbeVerdict.Unreachable:
                        NoteUnreachable(nodeId, publicKeyHex);
                        _logger.LogDebug("Probe of {Peer} could not connect: {Reason}", nodeId, unreachable!.Message);
                        // A strong hint, not proof: a member that is leaving refuses connections too, and its leave
                        // may still be on the way. Give it one probe timeout to arrive.
                        await Task.Delay(_options.ProbeTimeout).ConfigureAwait(false);
                        SuspectIfUnchanged(nodeId, incarnation, afterDisconnect ? "its connection closed and it refuses new ones" : "it refuses connections");
                        break;
                    case ProbeVerdict.Silent:
                        SuspectIfUnchanged(nodeId, incarnation, "no answer to direct and indirect probes in time");
                        break;
                }
            }
            catch (Exception error) when (!(error is OperationCanceledException))
            {
                _logger.LogDebug(error, "Probe of {Peer} failed.", nodeId);
            }
            finally
            {
                _probes.Remove(probeId);
                _indirectProbes.Remove(indirectId);
                ShedProbeConnectionIfSurplus(nodeId, dialled);
            }
        }

        /// <summary>
        /// Suspects a member whose probe failed, unless it proved itself alive with a newer incarnation while the
        /// probe ran (a refutation racing a probe must not cause a new suspicion: that would be flapping).
        /// </summary>
        private void SuspectIfUnchanged(string nodeId, long probedIncarnation, string why)
        {
            if (!IsRunning)
                return;
            lock (_gate)
            {
                if (!_members.TryGet(nodeId, out var member) || member.IsDeparted || member.Incarnation != probedIncarnation)
                    return;
                if (member.Status == DsnPeerStatus.Alive)
                {
                    _logger.LogInformation("Suspecting {Peer}: {Why}.", nodeId, why);
                    Accuse(member, AccusationKind.Suspect);
                }
                else if (member.Suspecters.Add(NodeId))
                {
                    // Already suspected by others: confirm it, which shortens everyone's suspicion timeout (Lifeguard).
                    var accusation = SignAccusation(member, AccusationKind.Suspect);
                    Broadcast(MessageCodec.Encode(new MembersMessage(InitialRelayBudget(), Array.Empty<AliveRecord>(), new[] { accusation }, Array.Empty<LeaveRecord>())), null);
                }
            }
        }

        /// <summary>Declares failed the suspects whose <see cref="Suspicion"/> timeout passed.</summary>
        private void ExpireSuspicions(long now)
        {
            List<Member>? expired = null;
            foreach (var member in _members.All)
            {
                if (member.Status != DsnPeerStatus.Suspect)
                    continue;
                if (now - member.SuspectedAt >= _suspicion.TimeoutMs(_members.Count, member.Suspecters.Count - 1))
                    (expired ??= new List<Member>()).Add(member);
            }

            if (expired is null)
                return;
            foreach (var member in expired)
            {
                _logger.LogInformation("Declaring {Peer} failed: it did not refute the suspicion in time.", member.NodeId);
                Accuse(member, AccusationKind.Failed);
            }
        }

        private void RestartSuspicionClocks(long now)
        {
            foreach (var member in _members.All)
            {
                if (member.Status == DsnPeerStatus.Suspect)
                    member.RestartSuspicionClock(now);
            }
        }

        private void ReapDeparted(long now)
        {
            var cutoff = DateTimeOffset.UtcNow - _options.DepartedRetention;
            var reap = _members.All.Where(m => m.IsDeparted && m.LastChange < cutoff).ToList();
            foreach (var member in reap)
            {
                _reaped.Remember(member.NodeId, Math.Max(member.Incarnation, member.Alive.Incarnation), now + (long)_options.DepartedRetention.TotalMilliseconds);
                var evicted = _members.Remove(member.NodeId);
                if (_owners.TryGetValue(member.NodeId, out var state))
                    state.Drop();
                _owners.Remove(member.NodeId);
                _logger.LogInformation("Forgot {Peer} and its state: departed longer than the retention period; its NodeId stays bound to its key.", member.NodeId);
                foreach (var binding in evicted)
                {
                    _counters.Add("members.bindings.evicted");
                    _logger.LogWarning("Forgot the key binding of {Peer}, the oldest of {Count} kept for departed members: another key may now claim that NodeId.",
                        binding.NodeId, _members.Bindings.RetiredCount + 1);
                }
            }

            _reaped.Expire(now);
            if (reap.Count > 0)
                _changed.Pulse();
        }

        private void HandlePing(PeerSession session, PingMessage ping)
        {
            lock (_gate)
                session.Send(new AckMessage(ping.ProbeId, Summary()));
        }

        private void HandleAck(PeerSession session, AckMessage ack)
        {
            // Only the probed member itself may answer a direct probe.
            if (_probes.TryComplete(ack.ProbeId, session.PeerId, out _))
            {
                lock (_gate)
                {
                    if (ack.Summary != 0 && ack.Summary != Summary())
                        RequestDigest(session);
                }
            }
            else
            {
                _counters.Add("probes.rejected.foreign_ack");
            }
        }

        /// <summary>Probes a member on another's behalf and relays its signed answer (SWIM's indirect probe).</summary>
        private void HandlePingRequest(PeerSession session, PingRequestMessage request)
        {
            DsnEndpoint endpoint;
            uint probeId;
            lock (_gate)
            {
                if (!_members.TryGet(request.Target, out var target) || target.IsDeparted || NameRules.SameNodeId(request.Target, NodeId))
                    return;
                endpoint = target.EndPoint;
                probeId = _relayedProbes.Start(request.Target, (session, request.ProbeId), MonotonicMs + 4 * (long)_options.ProbeTimeout.TotalMilliseconds).Id;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    var targetSession = await GetOrDialAsync(request.Target, endpoint).ConfigureAwait(false);
                    targetSession.Send(new IndirectPingMessage(probeId, session.PeerId, request.ProbeId));
                }
                catch (Exception error)
                {
                    _logger.LogDebug("Indirect probe of {Peer} could not connect: {Reason}", request.Target, error.Message);
                }
            });
        }

        /// <summary>A helper pings this node for a requester: the answer proves, to the requester, that this node answered.</summary>
        private void HandleIndirectPing(PeerSession session, IndirectPingMessage ping)
        {
            var proof = _identity.Sign(IndirectAckMessage.ProvenContent(ping.Requester, NodeId, ping.RequesterProbeId));
            session.Send(new IndirectAckMessage(ping.ProbeId, proof));
        }

        /// <summary>
        /// The target's signed answer: relayed by a helper for one of this node's indirect probes (checked against the
        /// target's key), or sent by the target of an indirect probe this node runs for another (relayed as it is).
        /// </summary>
        private void HandleIndirectAck(PeerSession session, IndirectAckMessage ack)
        {
            if (_indirectProbes.TryGet(ack.ProbeId, session.PeerId, out var target))
            {
                bool proven;
                lock (_gate)
                    proven = _members.TryGet(target, out var member)
                        && member.Verifier.Verify(IndirectAckMessage.ProvenContent(NodeId, member.NodeId, ack.ProbeId), ack.Proof);
                if (proven)
                    _indirectProbes.TryComplete(ack.ProbeId, session.PeerId, out _);
                else
                    _counters.Add("probes.rejected.unproven_ack");
            }
            else if (_relayedProbes.TryComplete(ack.ProbeId, session.PeerId, out var relayed))
            {
                relayed.Requester.Send(new IndirectAckMessage(relayed.ProbeId, ack.Proof));
            }
            else
            {
                _counters.Add("probes.rejected.foreign_ack");
            }
        }

        private static async Task<bool> CompletesWithin(Task task, TimeSpan timeout)
        {
            if (task.IsCompleted)
                return true;
            using var cancel = new CancellationTokenSource();
            var finished = await Task.WhenAny(task, Task.Delay(timeout, cancel.Token)).ConfigureAwait(false);
            cancel.Cancel();
            return finished == task;
        }
    }
}
