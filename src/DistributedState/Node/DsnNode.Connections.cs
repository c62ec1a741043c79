using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Dissemination;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState
{
    // Accepting and opening connections, authenticating them, and the registry of sessions by peer.
    public sealed partial class DsnNode
    {
        private const int MaxPendingHandshakes = 1024;
        private const long MinHandshakeAgeToEvictMs = 250;
        private const long DuplicateSessionGraceMs = 2000;
        private readonly Dictionary<string, Task<PeerSession>> _dialing = new Dictionary<string, Task<PeerSession>>(NameRules.NodeIdComparer);
        private readonly LinkedList<(CancellationTokenSource Cancel, long StartedAt)> _handshaking = new LinkedList<(CancellationTokenSource, long)>();

        private async Task AcceptLoopAsync(CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                IDsnConnection connection;
                try
                {
                    connection = await _listener!.AcceptAsync(token).ConfigureAwait(false);
                }
                catch (Exception error) when (!token.IsCancellationRequested && error is not OperationCanceledException)
                {
                    _logger.LogWarning(error, "Accepting a connection failed; still listening.");
                    continue;
                }

                var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                LinkedListNode<(CancellationTokenSource, long)> pending;
                lock (_handshaking)
                {
                    // At the cap, the longest-waiting handshake goes if it has had a fair chance: an honest peer
                    // completes in milliseconds, so silent connections (slowloris) are the ones evicted. If even
                    // the oldest is young, the newcomer is refused instead, so a flood cannot evict honest peers.
                    if (_handshaking.Count >= MaxPendingHandshakes)
                    {
                        var oldest = _handshaking.First!;
                        if (MonotonicMs - oldest.Value.StartedAt < MinHandshakeAgeToEvictMs)
                        {
                            _counters.Add("handshake.refused_busy");
                            connection.Dispose();
                            handshake.Dispose();
                            continue;
                        }

                        oldest.Value.Cancel.Cancel();
                        _handshaking.RemoveFirst();
                        _counters.Add("handshake.evicted");
                    }

                    pending = _handshaking.AddLast((handshake, MonotonicMs));
                }

                _ = Task.Run(() => AcceptOneAsync(connection, handshake, pending));
            }
        }

        private async Task AcceptOneAsync(IDsnConnection connection, CancellationTokenSource handshake, LinkedListNode<(CancellationTokenSource, long)> pending)
        {
            try
            {
                handshake.CancelAfter(_options.HandshakeTimeout);
                await WhenThawed().ConfigureAwait(false);
                var result = await Handshake.RespondAsync(connection, _keyring.Current, _identity, SelfStatement(), handshake.Token).ConfigureAwait(false);
                Admit(connection, result, initiated: false, expectedNodeId: null);
            }
            catch (HandshakeException refused)
            {
                _counters.Add(refused.Counter);
                _logger.LogWarning("Refused a connection from {Remote}: {Reason}.", connection.RemoteAddress, refused.Message);
                connection.Dispose();
            }
            catch (Exception error)
            {
                if (!_stopping.IsCancellationRequested)
                {
                    var timedOut = error is OperationCanceledException || error is ObjectDisposedException;
                    _counters.Add(timedOut ? "handshake.timeout" : "handshake.failed");
                    _logger.LogWarning("Closed a connection from {Remote} during the handshake: {Reason}.", connection.RemoteAddress,
                        timedOut ? $"nothing valid arrived within {_options.HandshakeTimeout.TotalSeconds:0.###} s" : error.Message);
                }

                connection.Dispose();
            }
            finally
            {
                lock (_handshaking)
                {
                    if (pending.List is not null)
                        _handshaking.Remove(pending);
                }

                handshake.Dispose();
            }
        }

        /// <summary>Opens and authenticates a connection; the session is registered and running on return.</summary>
        private async Task<PeerSession> ConnectAsync(DsnEndpoint endpoint, string? expectedNodeId, CancellationToken cancellationToken)
        {
            var connection = await _transport.ConnectAsync(endpoint, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
                timeout.CancelAfter(_options.HandshakeTimeout);
                var handshake = await Handshake.InitiateAsync(connection, _keyring.Current.Primary.Bytes, _identity, SelfStatement(), timeout.Token).ConfigureAwait(false);
                return Admit(connection, handshake, initiated: true, expectedNodeId);
            }
            catch (HandshakeException refused)
            {
                _counters.Add(refused.Counter);
                _logger.LogWarning("Handshake with {EndPoint} failed: {Reason}.", endpoint, refused.Message);
                connection.Dispose();
                throw new IOException($"the handshake failed: {refused.Message}");
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Checks the authenticated peer against identities and the allow-list, then registers the session.</summary>
        private PeerSession Admit(IDsnConnection connection, HandshakeResult handshake, bool initiated, string? expectedNodeId)
        {
            AliveRecord record;
            RebindRecord? rebind = null;
            try
            {
                // The statement: the peer's alive record, and the re-bind to its key if it replaces another.
                var reader = new WireReader(handshake.PeerIdentity);
                record = AliveRecord.Read(reader);
                if (reader.Remaining > 0)
                    rebind = RebindRecord.Read(reader);
                reader.End();
            }
            catch (InvalidDataException error)
            {
                throw new HandshakeException("handshake.malformed", "the peer's identity statement is malformed: " + error.Message);
            }

            if (!FixedTime.Equals(record.PublicKey, 0, handshake.PeerPublicKey, 0, IdentityKey.PublicKeyLength))
                throw new HandshakeException("handshake.malformed", "the peer's identity statement does not match the key that authenticated it");
            // The same rules as for every alive record gossip brings: the NodeId, the endpoint, then the signature.
            if (AliveRecordRules.Problem(record, connection.RemoteAddress) is { } recordProblem)
                throw new HandshakeException(recordProblem.Counter, recordProblem.Reason);
            using (var verifier = SignatureVerifier.For(record.PublicKey))
            {
                if (!record.IsSignedBy(verifier))
                    throw new HandshakeException("handshake.bad_signature", "the peer's identity statement is not signed by its key");
            }

            if (NameRules.SameNodeId(record.NodeId, NodeId))
            {
                if (Hex.Encode(record.PublicKey) == _identity.PublicKeyHex)
                    throw RefuseOwnIdentity(record);
                throw new HandshakeException("members.rejected.identity_conflict", $"another node presents this node's own NodeId '{NodeId}' with a different identity key");
            }

            if (expectedNodeId is not null && !NameRules.SameNodeId(record.NodeId, expectedNodeId))
                throw new HandshakeException("handshake.unexpected_peer", $"expected '{expectedNodeId}' at that endpoint but found '{record.NodeId}'");

            PeerSession session;
            lock (_gate)
            {
                var problem = _members.AdmissionProblem(record.NodeId, record.PublicKey, overSession: true, rebind, out var counter);
                if (problem is not null)
                    throw new HandshakeException(counter, problem);
                if (MemberCapProblem(record.NodeId) is { } full)
                    throw new HandshakeException("members.rejected.too_many", full);
                if (Volatile.Read(ref _lifecycle) >= Stopping)
                    throw new HandshakeException("handshake.stopping", "this node is stopping");

                session = new PeerSession(connection, handshake, record.NodeId, initiated, _limits, _counters, _logger,
                    _options.HandshakeTimeout + _options.SendTimeout, WhenThawed, _sendBudget, _options.AntiEntropyInterval) { OpenedAt = MonotonicMs };
                _sessions.Add(session);
                var rebinds = rebind is null ? Array.Empty<RebindRecord>() : new[] { rebind };
                ApplyMembers(record.NodeId, new MembersMessage(0, new[] { record }, Array.Empty<Accusation>(), Array.Empty<LeaveRecord>(), rebinds), originate: true, overSession: true);
            }

            session.Start(OnMessage, OnSessionClosed);
            _counters.Add("sessions.opened");
            _logger.LogDebug("Session with {Peer} at {Remote} ({Direction}).", record.NodeId, connection.RemoteAddress, initiated ? "outbound" : "inbound");
            return session;
        }

        private byte[] SelfStatement()
        {
            var writer = new WireWriter(480);
            lock (_gate)
                _selfAlive!.Write(writer);
            _rebind?.Write(writer);
            return writer.ToArray();
        }

        /// <summary>The open session to a peer, opening one if there is none.</summary>
        private Task<PeerSession> GetOrDialAsync(string nodeId, DsnEndpoint endpoint)
        {
            lock (_gate)
            {
                var existing = _sessions.Preferred(nodeId);
                if (existing is not null)
                    return Task.FromResult(existing);
                if (_dialing.TryGetValue(nodeId, out var pending))
                    return pending;
                var dial = DialAsync(nodeId, endpoint);
                if (!dial.IsCompleted)
                    _dialing[nodeId] = dial;
                return dial;
            }
        }

        private async Task<PeerSession> DialAsync(string nodeId, DsnEndpoint endpoint)
        {
            try
            {
                await Task.Yield();
                var session = await ConnectAsync(endpoint, nodeId, _stopping.Token).ConfigureAwait(false);
                bool lasting;
                lock (_gate)
                    lasting = !OverConnectionCap;
                // A connection beyond the cap (a probe's, a direct message's) is about to be shed: a full digest would
                // be wasted on it. The summaries in its Ping and Ack still start one if the two views differ.
                if (lasting)
                    SendDigest(session, requestId: 0);
                return session;
            }
            finally
            {
                lock (_gate)
                    _dialing.Remove(nodeId);
            }
        }

        private void OnSessionClosed(PeerSession session)
        {
            bool lostLastSession;
            lock (_gate)
            {
                _sessions.Remove(session);
                if (_members.TryGet(session.PeerId, out var heard))
                    heard.NoteHeard(session.LastReceivedAt);
                FailPendingDigests(session);
                lostLastSession = !session.WasShed && _sessions.Preferred(session.PeerId) is null
                    && _members.TryGet(session.PeerId, out var member) && member.Status == DsnPeerStatus.Alive;
            }

            FailPendingSends(session);
            _counters.Add("sessions.closed");
            _logger.LogDebug("Session with {Peer} closed: {Reason}.", session.PeerId, session.CloseReason);
            if (lostLastSession && IsRunning)
                _ = ProbeAsync(session.PeerId, afterDisconnect: true); // a vanished peer is worth checking at once
        }

        /// <summary>Sends to one session per connected peer (the owner's first, eager push).</summary>
        private void Broadcast(byte[] encoded, string? exceptPeer)
        {
            foreach (var peer in _sessions.Peers)
            {
                if (!NameRules.SameNodeId(peer, exceptPeer))
                    _sessions.Preferred(peer)?.SendEncoded(encoded);
            }
        }

        /// <summary>Forwards news to a few random connected peers: epidemic relay beyond the full mesh.</summary>
        private void Relay(byte[] encoded, string exceptPeer)
        {
            var targets = new List<string>();
            RelayPolicy.ChooseTargets(_sessions.Peers, exceptPeer, RelayFanout(), _random, targets);
            foreach (var peer in targets)
                _sessions.Preferred(peer)?.SendEncoded(encoded);
        }

        /// <summary>The relay budget of news this node originates (see <see cref="RelayPolicy.InitialBudget"/>).</summary>
        private byte InitialRelayBudget() => RelayPolicy.InitialBudget(LiveOtherMembers, _sessions.PeerCount);

        private int RelayFanout() => RelayPolicy.Fanout(_members.Count);
    }
}
