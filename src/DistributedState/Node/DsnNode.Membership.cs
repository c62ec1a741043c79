using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.State;
using DistributedState.Logging;

namespace DistributedState
{
    // Applying membership news (alive, suspect, failed, left), refuting accusations against this node, and
    // handing news on. Everything here runs under _gate.
    public sealed partial class DsnNode
    {
        private readonly ReapedMembers _reaped = new ReapedMembers();

        /// <summary>
        /// Applies a membership message. News is handed on: to every peer when this node is the first to hear it
        /// (<paramref name="originate"/>), otherwise to a few peers while the message's relay budget lasts.
        /// <paramref name="overSession"/>: the message holds the identity statement <paramref name="fromPeer"/> just
        /// authenticated in a handshake, which binds its key firmly.
        /// </summary>
        private void ApplyMembers(string? fromPeer, MembersMessage message, bool originate, bool overSession = false)
        {
            var now = DateTimeOffset.UtcNow;
            var monotonic = MonotonicMs;
            var alive = new List<AliveRecord>();
            var accusations = new List<Accusation>();
            var leaves = new List<LeaveRecord>();
            var rebinds = new List<RebindRecord>();

            foreach (var record in message.Alive)
            {
                if (NameRules.SameNodeId(record.NodeId, NodeId))
                {
                    ConsiderAliveRecordOfSelf(record);
                    continue;
                }

                // A reaped member's old statements stay ignored, unless the member itself just authenticated with it in a
                // handshake: that proves it lives now (an island that forgot this one during a long partition reaching out).
                var firsthand = overSession && NameRules.SameNodeId(record.NodeId, fromPeer);
                if ((_reaped.IsStale(record.NodeId, record.Incarnation) && !firsthand) || RefusedByMemberCap(record))
                    continue;
                var rebind = message.Rebinds.FirstOrDefault(r => NameRules.SameNodeId(r.NodeId, record.NodeId));
                var update = _members.ApplyAlive(record, rebind, firsthand, now, monotonic);
                switch (update.Kind)
                {
                    case MemberUpdateKind.Rejected:
                        Reject(update);
                        break;
                    case MemberUpdateKind.Joined:
                        _reaped.Forget(record.NodeId);
                        if (!_owners.ContainsKey(record.NodeId))
                            _owners[record.NodeId] = new OwnerState(record.NodeId, _leases);
                        if (update.Reason is not null)
                            NoteRebound(record.NodeId, update.Reason);
                        _logger.LogInformation("Member {Peer} joined at {EndPoint}.", record.NodeId, update.Member!.EndPoint);
                        RaisePeerJoined(update.Member);
                        break;
                    case MemberUpdateKind.Rebound:
                        var removed = new List<StateChange>();
                        if (_owners.TryGetValue(record.NodeId, out var old))
                        {
                            foreach (var (key, value, _) in old.Snapshot())
                                removed.Add(new StateChange(record.NodeId, key, value, null, 0));
                            old.Drop();
                        }

                        _owners[record.NodeId] = new OwnerState(record.NodeId, _leases);
                        NoteRebound(record.NodeId, update.Reason!);
                        RaiseStateChanges(removed);
                        RaisePeerStatusChanged(update.Member!, update.OldStatus);
                        break;
                    case MemberUpdateKind.StatusChanged:
                        RaisePeerStatusChanged(update.Member!, update.OldStatus);
                        break;
                }

                if (!update.IsNews)
                    continue;
                alive.Add(record);
                if (update.Member!.Rebind is not null)
                    rebinds.Add(update.Member.Rebind);
            }

            foreach (var accusation in message.Accusations)
            {
                if (NameRules.SameNodeId(accusation.NodeId, NodeId))
                {
                    // Only our current incarnation can be accused: a higher one was never announced (and an earlier
                    // run's higher incarnation reaches us as its signed alive record).
                    if (accusation.Incarnation != _incarnation || !_members.TryGet(NodeId, out var self))
                        continue;
                    var problem = _members.AccusationProblem(accusation, self, out var counter);
                    if (problem is not null)
                    {
                        Reject(new MemberUpdate(MemberUpdateKind.Rejected, self, reason: problem, counter: counter));
                        continue;
                    }

                    Refute(accusation.Incarnation, $"{accusation.Reporter} reported it {accusation.Kind}");
                    _health.Worse(); // being suspected hints that this node is the slow one (Lifeguard)
                    continue;
                }

                var update = _members.ApplyAccusation(accusation, now, monotonic);
                if (update.Kind == MemberUpdateKind.Rejected)
                    Reject(update);
                // Sessions to a member declared failed stay open: if it is really gone they are dead anyway, and if
                // the verdict was wrong (an overloaded host), they carry its refutation without a reconnection storm.
                if (update.Kind == MemberUpdateKind.StatusChanged)
                    RaisePeerStatusChanged(update.Member!, update.OldStatus);

                if (update.IsNews)
                    accusations.Add(accusation);
            }

            foreach (var leave in message.Leaves)
            {
                if (NameRules.SameNodeId(leave.NodeId, NodeId))
                {
                    if (leave.Incarnation >= _incarnation && leave.IsSignedBy(_members.TryGet(NodeId, out var self) ? self.Verifier : throw new InvalidOperationException()))
                        Refute(leave.Incarnation, "a leave of an earlier run of this node is circulating");
                    continue;
                }

                var update = _members.ApplyLeave(leave, now, monotonic);
                if (update.Kind == MemberUpdateKind.Rejected)
                {
                    Reject(update);
                }
                else if (update.Kind == MemberUpdateKind.StatusChanged)
                {
                    RaisePeerStatusChanged(update.Member!, update.OldStatus);
                    _sessions.CloseTo(leave.NodeId, "the peer left");
                    leaves.Add(leave);
                }
            }

            if (alive.Count + accusations.Count + leaves.Count == 0)
                return;
            _changed.Pulse();
            if (originate)
            {
                Broadcast(MessageCodec.Encode(new MembersMessage(InitialRelayBudget(), alive, accusations, leaves, rebinds)), fromPeer);
            }
            else if (message.RelayBudget > 0 && fromPeer is not null)
            {
                var relayed = MessageCodec.Encode(new MembersMessage((byte)(message.RelayBudget - 1), alive, accusations, leaves, rebinds));
                // A leave is rare and everyone should hear it at once, also a member that joined moments ago and
                // is not yet connected to the leaver: whoever learns it first tells all its peers, not a few.
                if (leaves.Count > 0)
                    Broadcast(relayed, fromPeer);
                else
                    Relay(relayed, fromPeer);
            }
        }

        /// <summary>A NodeId moved to a new identity key: the previous identity's state is gone, which the operator should know.</summary>
        private void NoteRebound(string nodeId, string why)
        {
            _counters.Add("members.rebound");
            _logger.LogWarning("Member {Peer} now has a new identity key ({Why}); the state of its previous identity was dropped.", nodeId, why);
        }

        /// <summary>Originates a statement this node made itself (a suspicion, a failure) and tells every peer.</summary>
        private void Accuse(Member member, AccusationKind kind)
        {
            var accusation = SignAccusation(member, kind);
            ApplyMembers(null, new MembersMessage(0, Array.Empty<AliveRecord>(), new[] { accusation }, Array.Empty<LeaveRecord>()), originate: true);
        }

        /// <summary>This node's signed accusation of a member at the incarnation it holds.</summary>
        private Accusation SignAccusation(Member member, AccusationKind kind) =>
            Accusation.Create(_identity, NodeId, kind, member.NodeId, member.Alive.PublicKey, member.Incarnation);

        /// <summary>
        /// An alive record of this node came back from the network. One signed by us with a higher incarnation
        /// is from an earlier run of this node (its clock was ahead, or it refuted often): outbid it. Unless it is
        /// another live process with this identity (DsnNode.IdentityInUse.cs) that started first: then this node stops.
        /// </summary>
        private void ConsiderAliveRecordOfSelf(AliveRecord record)
        {
            if (Internal.Hex.Encode(record.PublicKey) != _identity.PublicKeyHex || !_members.TryGet(NodeId, out var self) || !record.IsSignedBy(self.Verifier))
            {
                _counters.Add("members.rejected.identity_conflict");
                _logger.LogWarning("A statement claims this node's NodeId '{Node}' without its identity key; ignored.", NodeId);
                return;
            }

            if (record.Incarnation > _incarnation && ConsiderOutbiddingRun(record) is { } why)
                Refute(record.Incarnation, why);
        }

        /// <summary>Proves this node is alive with a new, higher incarnation, and tells every peer.</summary>
        private void Refute(long observedIncarnation, string why)
        {
            if (System.Threading.Volatile.Read(ref _lifecycle) >= Stopping || observedIncarnation >= long.MaxValue - 1)
                return;
            _incarnation = Math.Max(_incarnation, observedIncarnation) + 1;
            _selfAlive = SignSelfAlive();
            _members.RefreshSelf(_selfAlive, DateTimeOffset.UtcNow, MonotonicMs);
            _changed.Pulse();
            _counters.Add("members.refuted");
            _logger.LogInformation("Node {Node} refutes ({Why}) with incarnation {Incarnation}.", NodeId, why, _incarnation);
            var refutation = MessageCodec.Encode(new MembersMessage(InitialRelayBudget(), new[] { _selfAlive }, Array.Empty<Accusation>(), Array.Empty<LeaveRecord>()));
            Broadcast(refutation, null);
            _ = RepeatRefutationAsync(refutation, _incarnation);
        }

        /// <summary>
        /// Sends a refutation twice more (as memberlist retransmits its gossip): one lost frame must not leave a peer
        /// suspecting us until its timer declares us failed. Peers that already have it ignore the copies.
        /// </summary>
        private async Task RepeatRefutationAsync(byte[] refutation, long incarnation)
        {
            foreach (var delay in new[] { 1, 3 })
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay * _options.ProbeTimeout.TotalMilliseconds), _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                lock (_gate)
                {
                    if (_incarnation != incarnation || !IsRunning)
                        return; // superseded by a newer refutation, or stopping
                    Broadcast(refutation, null);
                }
            }
        }

        private void Reject(MemberUpdate update)
        {
            _counters.Add(update.Counter ?? "members.rejected");
            _logger.LogWarning("Refused a membership statement: {Reason}.", update.Reason);
        }
    }
}
