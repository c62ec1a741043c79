using System;
using DistributedState.Internal;
using System.Collections.Generic;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Membership
{
    /// <summary>What applying a membership statement did.</summary>
    internal enum MemberUpdateKind
    {
        /// <summary>Nothing new: already known, or older than what is held.</summary>
        None,

        /// <summary>A member not known before.</summary>
        Joined,

        /// <summary>The member's status changed.</summary>
        StatusChanged,

        /// <summary>A newer alive record with the same status (new incarnation or endpoint).</summary>
        Refreshed,

        /// <summary>A NodeId moved to another identity key (see <see cref="MemberTable"/>); its old state must be dropped.</summary>
        Rebound,

        /// <summary>Refused: see <see cref="MemberUpdate.Reason"/>.</summary>
        Rejected,
    }

    /// <summary>The outcome of applying one statement.</summary>
    internal readonly struct MemberUpdate
    {
        public MemberUpdate(MemberUpdateKind kind, Member? member, DsnPeerStatus oldStatus = DsnPeerStatus.Alive, string? reason = null, string? counter = null)
        {
            Kind = kind;
            Member = member;
            OldStatus = oldStatus;
            Reason = reason;
            Counter = counter;
        }

        public MemberUpdateKind Kind { get; }

        public Member? Member { get; }

        public DsnPeerStatus OldStatus { get; }

        /// <summary>Why a statement was rejected, or why it replaced a NodeId's key, for the log.</summary>
        public string? Reason { get; }

        /// <summary>The statistics counter a rejection increments.</summary>
        public string? Counter { get; }

        /// <summary>True when peers should hear of it too.</summary>
        public bool IsNews => Kind == MemberUpdateKind.Joined || Kind == MemberUpdateKind.StatusChanged
            || Kind == MemberUpdateKind.Refreshed || Kind == MemberUpdateKind.Rebound;
    }

    /// <summary>
    /// The members this node knows, with SWIM's precedence rules: a statement about a member applies only if its
    /// incarnation is newer, or equal with a stronger status (alive &lt; suspect &lt; failed &lt; left). Identities are
    /// bound on first contact and stay bound after a member departs (<see cref="KeyBindings"/>): another key for a
    /// bound NodeId is refused unless a re-bind signed by the bound key, or the allow-list's pin, approves it, or the
    /// binding was learned from gossip only, this node could not reach its key's holder, and the new key proves itself
    /// in a handshake. Accusations count only when their reporter signed them. Pinned nodes must match exactly.
    /// Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class MemberTable
    {
        private readonly Dictionary<string, Member> _members = new Dictionary<string, Member>(NameRules.NodeIdComparer);
        private readonly IDictionary<string, string> _allowed;
        private readonly KeyBindings _bindings;

        public MemberTable(IDictionary<string, string> allowedNodes, KeyBindings? bindings = null)
        {
            _allowed = allowedNodes;
            _bindings = bindings ?? new KeyBindings();
        }

        public int Count => _members.Count;

        public IEnumerable<Member> All => _members.Values;

        /// <summary>The NodeId → key bindings, also of members no longer held.</summary>
        public KeyBindings Bindings => _bindings;

        public bool TryGet(string nodeId, out Member member) => _members.TryGetValue(nodeId, out member!);

        /// <summary>Adds the local node; it is not subject to the allow-list.</summary>
        public Member AddSelf(AliveRecord alive, RebindRecord? rebind, DateTimeOffset now)
        {
            var member = new Member(alive, SignatureVerifier.For(alive.PublicKey), now) { Rebind = rebind };
            _members[alive.NodeId] = member;
            _bindings.Bind(alive.NodeId, member.PublicKeyHex, firm: true);
            return member;
        }

        /// <summary>Replaces the local node's alive record after a refutation (a new incarnation).</summary>
        public void RefreshSelf(AliveRecord alive, DateTimeOffset now, long monotonicNow)
        {
            var self = _members[alive.NodeId];
            self.Alive = alive;
            self.SetStatus(DsnPeerStatus.Alive, alive.Incarnation, null, now, monotonicNow);
        }

        /// <summary>
        /// Checks that an identity may join: allow-list and key binding. Null when admitted.
        /// </summary>
        /// <param name="nodeId">The NodeId claimed.</param>
        /// <param name="publicKey">The key claiming it.</param>
        /// <param name="overSession">The key proved itself in a handshake under this NodeId (not merely gossip about it).</param>
        /// <param name="rebind">A re-bind presented with the claim, if any.</param>
        /// <param name="counter">The statistics counter a refusal increments.</param>
        public string? AdmissionProblem(string nodeId, byte[] publicKey, bool overSession, RebindRecord? rebind, out string counter)
        {
            var verdict = Judge(nodeId, publicKey, overSession, rebind);
            counter = verdict.Counter ?? "members.rejected";
            return verdict.Problem;
        }

        private IdentityVerdict Judge(string nodeId, byte[] publicKey, bool overSession, RebindRecord? rebind)
        {
            var keyHex = Internal.Hex.Encode(publicKey);
            var pinned = false;
            if (_allowed.Count > 0)
            {
                if (!_allowed.TryGetValue(nodeId, out var pin))
                    return IdentityVerdict.Refused("members.rejected.not_allowed", $"'{nodeId}' is not in the allow-list of pinned nodes");
                if (!string.Equals(pin.Trim(), keyHex, StringComparison.OrdinalIgnoreCase))
                    return IdentityVerdict.Refused("members.rejected.not_allowed", $"'{nodeId}' presented a key that differs from the pinned one");
                pinned = true;
            }

            if (!_bindings.TryGet(nodeId, out var bound) || bound.PublicKeyHex == keyHex)
                return IdentityVerdict.Admitted(firm: overSession || pinned, replaces: null);
            // The NodeId is bound to another key. The operator's pin is the authority on this node.
            if (pinned)
                return IdentityVerdict.Admitted(firm: true, replaces: "the allow-list pins its new key");
            if (rebind is not null && NameRules.SameNodeId(rebind.NodeId, nodeId) && Internal.Hex.Encode(rebind.NewPublicKey) == keyHex)
            {
                if (Internal.Hex.Encode(rebind.OldPublicKey) != bound.PublicKeyHex)
                    return IdentityVerdict.Refused("members.rejected.bad_rebind", $"'{nodeId}' presented a re-bind from a key it is not bound to here");
                if (!rebind.IsSignedByOldKey())
                    return IdentityVerdict.Refused("members.rejected.bad_rebind", $"the re-bind of '{nodeId}' is not signed by the key it is bound to");
                return IdentityVerdict.Admitted(firm: overSession || bound.Firm, replaces: "a re-bind signed by its previous key approves its new key");
            }

            // Gossip never moves a binding. A binding learned from gossip only yields to a key that proves itself in a
            // handshake once this node failed to reach the gossiped key's holder: so gossip about a NodeId cannot lock
            // its real node out, and a key holder cannot take over a member this node can still reach.
            if (overSession && !bound.Firm && bound.Unreachable)
                return IdentityVerdict.Admitted(firm: true, replaces: "its previous key was known from gossip only and did not answer this node");
            return IdentityVerdict.Refused("members.rejected.identity_conflict", bound.Firm
                ? $"'{nodeId}' presented a different identity key from the one it is bound to here; refusing the impostor (a NodeId keeps its key after it fails or leaves: to give it a new key, start the node with its previous identity so that it signs a re-bind, or pin the new key in every node's allow-list)"
                : $"'{nodeId}' is known here, from gossip, with a different identity key; refused while that key's holder has not been found unreachable from this node");
        }

        /// <summary>Applies an alive record; <paramref name="overSession"/> when its key just proved itself in a handshake under its NodeId.</summary>
        public MemberUpdate ApplyAlive(AliveRecord record, RebindRecord? rebind, bool overSession, DateTimeOffset now, long monotonicNow)
        {
            var verdict = Judge(record.NodeId, record.PublicKey, overSession, rebind);
            if (verdict.Problem is not null)
                return new MemberUpdate(MemberUpdateKind.Rejected, null, reason: verdict.Problem, counter: verdict.Counter);

            _members.TryGetValue(record.NodeId, out var member);
            var keyHex = Internal.Hex.Encode(record.PublicKey);
            if (member is null || member.PublicKeyHex != keyHex)
            {
                // A new member, or a new identity for a NodeId that the verdict allowed to move.
                var verifier = SignatureVerifier.For(record.PublicKey);
                if (!record.IsSignedBy(verifier))
                {
                    verifier.Dispose();
                    return new MemberUpdate(MemberUpdateKind.Rejected, null, reason: $"the alive record of '{record.NodeId}' has a bad signature", counter: "members.rejected.bad_signature");
                }

                var fresh = new Member(record, verifier, now) { Rebind = verdict.Replaces is not null ? rebind : null };
                _bindings.Bind(record.NodeId, keyHex, verdict.Firm);
                _members[record.NodeId] = fresh;
                if (member is null)
                    return new MemberUpdate(MemberUpdateKind.Joined, fresh, reason: verdict.Replaces);
                member.Dispose();
                return new MemberUpdate(MemberUpdateKind.Rebound, fresh, member.Status, reason: verdict.Replaces);
            }

            if (overSession)
                _bindings.Bind(record.NodeId, keyHex, firm: true);
            if (record.Incarnation <= member.Incarnation)
                return new MemberUpdate(MemberUpdateKind.None, member);
            if (!record.IsSignedBy(member.Verifier))
                return new MemberUpdate(MemberUpdateKind.Rejected, member, reason: $"the alive record of '{record.NodeId}' has a bad signature", counter: "members.rejected.bad_signature");

            var previous = member.Status;
            member.Alive = record;
            member.Leave = null;
            member.SetStatus(DsnPeerStatus.Alive, record.Incarnation, null, now, monotonicNow);
            return new MemberUpdate(previous == DsnPeerStatus.Alive ? MemberUpdateKind.Refreshed : MemberUpdateKind.StatusChanged, member, previous);
        }

        /// <summary>
        /// Why an accusation of <paramref name="accused"/> is not evidence: its reporter is unknown here, or did not
        /// sign it. Null when it is genuine.
        /// </summary>
        public string? AccusationProblem(Accusation accusation, Member accused, out string counter)
        {
            if (!_members.TryGetValue(accusation.Reporter, out var reporter))
            {
                counter = "members.rejected.unknown_reporter";
                return $"an accusation of '{accusation.NodeId}' names the reporter '{accusation.Reporter}', which is not a member known here";
            }

            counter = "members.rejected.forged_accusation";
            return accusation.IsSignedBy(reporter.Verifier, accused.Alive.PublicKey)
                ? null
                : $"an accusation of '{accusation.NodeId}' in the name of '{accusation.Reporter}' is not signed by that member";
        }

        public MemberUpdate ApplyAccusation(Accusation accusation, DateTimeOffset now, long monotonicNow)
        {
            if (!_members.TryGetValue(accusation.NodeId, out var member))
                return new MemberUpdate(MemberUpdateKind.None, null);
            var status = accusation.Kind == AccusationKind.Suspect ? DsnPeerStatus.Suspect : DsnPeerStatus.Failed;
            if (accusation.Incarnation < member.Incarnation)
                return new MemberUpdate(MemberUpdateKind.None, member);
            // One may only name an incarnation the member itself has signed, or a member could be declared failed
            // beyond any refutation.
            if (accusation.Incarnation > member.Alive.Incarnation)
                return new MemberUpdate(MemberUpdateKind.Rejected, member, reason: $"an accusation names incarnation {accusation.Incarnation} of '{accusation.NodeId}', which it never announced", counter: "members.rejected.unknown_incarnation");
            if (accusation.Incarnation == member.Incarnation && Member.StatusRank(status) <= member.Rank)
            {
                // A further independent suspicion of the same incarnation: Lifeguard counts it, if its reporter made it.
                if (status != DsnPeerStatus.Suspect || member.Status != DsnPeerStatus.Suspect || member.Suspecters.Contains(accusation.Reporter))
                    return new MemberUpdate(MemberUpdateKind.None, member);
                var problem = AccusationProblem(accusation, member, out var counter);
                if (problem is not null)
                    return new MemberUpdate(MemberUpdateKind.Rejected, member, reason: problem, counter: counter);
                member.Suspecters.Add(accusation.Reporter);
                return new MemberUpdate(MemberUpdateKind.None, member);
            }

            if (member.Status == DsnPeerStatus.Left)
                return new MemberUpdate(MemberUpdateKind.None, member);
            var forged = AccusationProblem(accusation, member, out var forgedCounter);
            if (forged is not null)
                return new MemberUpdate(MemberUpdateKind.Rejected, member, reason: forged, counter: forgedCounter);

            var previous = member.Status;
            member.SetStatus(status, accusation.Incarnation, accusation, now, monotonicNow);
            return new MemberUpdate(previous == status ? MemberUpdateKind.Refreshed : MemberUpdateKind.StatusChanged, member, previous);
        }

        public MemberUpdate ApplyLeave(LeaveRecord leave, DateTimeOffset now, long monotonicNow)
        {
            if (!_members.TryGetValue(leave.NodeId, out var member))
                return new MemberUpdate(MemberUpdateKind.None, null);
            if (leave.Incarnation < member.Incarnation || member.Status == DsnPeerStatus.Left)
                return new MemberUpdate(MemberUpdateKind.None, member);
            if (!leave.IsSignedBy(member.Verifier))
                return new MemberUpdate(MemberUpdateKind.Rejected, member, reason: $"the leave of '{leave.NodeId}' has a bad signature", counter: "members.rejected.bad_signature");

            var previous = member.Status;
            member.Leave = leave;
            member.SetStatus(DsnPeerStatus.Left, leave.Incarnation, null, now, monotonicNow);
            return new MemberUpdate(MemberUpdateKind.StatusChanged, member, previous);
        }

        /// <summary>This node could not reach the member at its endpoint (<see cref="KeyBindings.NoteUnreachable"/>).</summary>
        public void NoteUnreachable(string nodeId, string publicKeyHex) => _bindings.NoteUnreachable(nodeId, publicKeyHex);

        /// <summary>Forgets a member and its state; its key binding stays. Returns the bindings dropped to stay within their capacity.</summary>
        public IReadOnlyList<KeyBinding> Remove(string nodeId)
        {
            if (!_members.TryGetValue(nodeId, out var member))
                return Array.Empty<KeyBinding>();
            _members.Remove(nodeId);
            member.Dispose();
            return _bindings.Retire(nodeId);
        }

        /// <summary>What <see cref="Judge"/> decided about an identity claim.</summary>
        private readonly struct IdentityVerdict
        {
            private IdentityVerdict(string? problem, string? counter, bool firm, string? replaces)
            {
                Problem = problem;
                Counter = counter;
                Firm = firm;
                Replaces = replaces;
            }

            /// <summary>Why the claim is refused; null when admitted.</summary>
            public string? Problem { get; }

            public string? Counter { get; }

            /// <summary>The binding is firm once the claim is applied.</summary>
            public bool Firm { get; }

            /// <summary>Why the claim may replace the key its NodeId is bound to; null when it does not replace one.</summary>
            public string? Replaces { get; }

            public static IdentityVerdict Admitted(bool firm, string? replaces) => new IdentityVerdict(null, null, firm, replaces);

            public static IdentityVerdict Refused(string counter, string problem) => new IdentityVerdict(problem, counter, false, null);
        }
    }
}
