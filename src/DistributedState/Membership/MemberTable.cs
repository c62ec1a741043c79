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

        /// <summary>A departed NodeId came back with a different identity key; its old state must be dropped.</summary>
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

        /// <summary>Why a statement was rejected, for the log.</summary>
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
    /// bound on first contact: a live NodeId presenting another key is refused; pinned nodes must match exactly.
    /// Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class MemberTable
    {
        private readonly Dictionary<string, Member> _members = new Dictionary<string, Member>(NameRules.NodeIdComparer);
        private readonly IDictionary<string, string> _allowed;

        public MemberTable(IDictionary<string, string> allowedNodes) => _allowed = allowedNodes;

        public int Count => _members.Count;

        public IEnumerable<Member> All => _members.Values;

        public bool TryGet(string nodeId, out Member member) => _members.TryGetValue(nodeId, out member!);

        /// <summary>Adds the local node; it is not subject to the allow-list.</summary>
        public Member AddSelf(AliveRecord alive, DateTimeOffset now)
        {
            var member = new Member(alive, SignatureVerifier.For(alive.PublicKey), now);
            _members[alive.NodeId] = member;
            return member;
        }

        /// <summary>Replaces the local node's alive record after a refutation (a new incarnation).</summary>
        public void RefreshSelf(AliveRecord alive, DateTimeOffset now, long monotonicNow)
        {
            var self = _members[alive.NodeId];
            self.Alive = alive;
            self.SetStatus(DsnPeerStatus.Alive, alive.Incarnation, null, now, monotonicNow);
        }

        /// <summary>Checks that an identity may join: allow-list and key binding. Null when admitted.</summary>
        public string? AdmissionProblem(string nodeId, byte[] publicKey, out string counter)
        {
            var keyHex = Internal.Hex.Encode(publicKey);
            counter = "members.rejected.not_allowed";
            if (_allowed.Count > 0)
            {
                if (!_allowed.TryGetValue(nodeId, out var pinned))
                    return $"'{nodeId}' is not in the allow-list of pinned nodes";
                if (!string.Equals(pinned.Trim(), keyHex, StringComparison.OrdinalIgnoreCase))
                    return $"'{nodeId}' presented a key that differs from the pinned one";
            }

            counter = "members.rejected.identity_conflict";
            if (_members.TryGetValue(nodeId, out var existing) && existing.PublicKeyHex != keyHex && !existing.IsDeparted)
                return $"'{nodeId}' is a live member with a different identity key; refusing the impostor (the real member must stop, or fail, before its NodeId can take a new key)";
            return null;
        }

        public MemberUpdate ApplyAlive(AliveRecord record, DateTimeOffset now, long monotonicNow)
        {
            var problem = AdmissionProblem(record.NodeId, record.PublicKey, out var counter);
            if (problem is not null)
                return new MemberUpdate(MemberUpdateKind.Rejected, null, reason: problem, counter: counter);

            if (!_members.TryGetValue(record.NodeId, out var member))
            {
                var verifier = SignatureVerifier.For(record.PublicKey);
                if (!record.IsSignedBy(verifier))
                {
                    verifier.Dispose();
                    return new MemberUpdate(MemberUpdateKind.Rejected, null, reason: $"the alive record of '{record.NodeId}' has a bad signature", counter: "members.rejected.bad_signature");
                }

                member = new Member(record, verifier, now);
                _members[record.NodeId] = member;
                return new MemberUpdate(MemberUpdateKind.Joined, member);
            }

            if (member.PublicKeyHex != Internal.Hex.Encode(record.PublicKey))
            {
                // A departed NodeId taken over by a new identity (AdmissionProblem allowed it).
                var verifier = SignatureVerifier.For(record.PublicKey);
                if (!record.IsSignedBy(verifier))
                {
                    verifier.Dispose();
                    return new MemberUpdate(MemberUpdateKind.Rejected, null, reason: $"the alive record of '{record.NodeId}' has a bad signature", counter: "members.rejected.bad_signature");
                }

                var oldStatus = member.Status;
                member.Dispose();
                var replacement = new Member(record, verifier, now);
                _members[record.NodeId] = replacement;
                return new MemberUpdate(MemberUpdateKind.Rebound, replacement, oldStatus);
            }

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

        public MemberUpdate ApplyAccusation(Accusation accusation, DateTimeOffset now, long monotonicNow)
        {
            if (!_members.TryGetValue(accusation.NodeId, out var member))
                return new MemberUpdate(MemberUpdateKind.None, null);
            var status = accusation.Kind == AccusationKind.Suspect ? DsnPeerStatus.Suspect : DsnPeerStatus.Failed;
            if (accusation.Incarnation < member.Incarnation)
                return new MemberUpdate(MemberUpdateKind.None, member);
            // Accusations are not signed: one may only name an incarnation the member itself has signed, or a
            // member could be declared failed beyond any refutation.
            if (accusation.Incarnation > member.Alive.Incarnation)
                return new MemberUpdate(MemberUpdateKind.Rejected, member, reason: $"an accusation names incarnation {accusation.Incarnation} of '{accusation.NodeId}', which it never announced", counter: "members.rejected.unknown_incarnation");
            if (accusation.Incarnation == member.Incarnation && Member.StatusRank(status) <= member.Rank)
            {
                // A further independent suspicion of the same incarnation: Lifeguard counts it.
                if (status == DsnPeerStatus.Suspect && member.Status == DsnPeerStatus.Suspect)
                    member.Suspecters.Add(accusation.Reporter);
                return new MemberUpdate(MemberUpdateKind.None, member);
            }

            if (member.Status == DsnPeerStatus.Left)
                return new MemberUpdate(MemberUpdateKind.None, member);

            var previous = member.Status;
            member.SetStatus(status, accusation.Incarnation, accusation.Reporter, now, monotonicNow);
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
            member.SetStatus(DsnPeerStatus.Left, leave.Incarnation, leave.NodeId, now, monotonicNow);
            return new MemberUpdate(MemberUpdateKind.StatusChanged, member, previous);
        }

        public void Remove(string nodeId)
        {
            if (_members.TryGetValue(nodeId, out var member))
            {
                _members.Remove(nodeId);
                member.Dispose();
            }
        }
    }
}
