using System.Collections.Generic;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// What a peer's membership digest shows against this node's member table: the signed statements and
    /// accusations the peer lacks, whether the peer doubts this node at its current incarnation (so it must refute),
    /// and whether the peer knows something this node does not (so it answers with its own digest). A pure function
    /// of its inputs; the node sends what it says.
    /// </summary>
    internal sealed class MemberDigestDiff
    {
        private MemberDigestDiff()
        {
        }

        /// <summary>Alive records newer than the peer's (or of members it does not list).</summary>
        public List<AliveRecord> Alive { get; } = new List<AliveRecord>();

        /// <summary>Suspicions and failures the peer has not heard of.</summary>
        public List<Accusation> Accusations { get; } = new List<Accusation>();

        /// <summary>Signed leaves the peer has not heard of.</summary>
        public List<LeaveRecord> Leaves { get; } = new List<LeaveRecord>();

        /// <summary>Re-binds of members the peer lacks the current alive record of: it may still hold the previous key.</summary>
        public List<RebindRecord> Rebinds { get; } = new List<RebindRecord>();

        /// <summary>True when there is anything to send the peer.</summary>
        public bool PeerLacksAnything => Alive.Count + Accusations.Count + Leaves.Count > 0;

        /// <summary>
        /// The peer's entry for this node when it holds it suspect, failed or left at this node's current incarnation:
        /// the node must refute. (A higher incarnation is not taken from an unsigned digest; it arrives as a signed
        /// alive record.)
        /// </summary>
        public MemberDigest? Doubted { get; private set; }

        /// <summary>True when the peer knows of a member, a newer incarnation or a graver status that this node lacks.</summary>
        public bool WeLack { get; private set; }

        /// <param name="ours">This node's member table, itself included.</param>
        /// <param name="reaped">Members forgotten here on purpose (departed, past retention): not a gap when the peer lists them.</param>
        /// <param name="theirs">The peer's digest of members.</param>
        /// <param name="self">This node's NodeId.</param>
        /// <param name="selfIncarnation">This node's current incarnation.</param>
        public static MemberDigestDiff Compute(MemberTable ours, ReapedMembers reaped, IReadOnlyList<MemberDigest> theirs, string self, long selfIncarnation)
        {
            var diff = new MemberDigestDiff();
            var byId = new Dictionary<string, MemberDigest>(NameRules.NodeIdComparer);
            foreach (var entry in theirs)
                byId[entry.NodeId] = entry;

            foreach (var member in ours.All)
                diff.AddWhatThePeerLacks(member, byId, self);

            if (byId.TryGetValue(self, out var ofUs) && ofUs.Incarnation == selfIncarnation && ofUs.StatusRank > 0)
                diff.Doubted = ofUs;

            foreach (var their in byId.Values)
            {
                if (diff.Doubted is not null && NameRules.SameNodeId(their.NodeId, self))
                    continue; // the refutation answers it: this node's incarnation rises above the peer's
                if (!ours.TryGet(their.NodeId, out var member))
                {
                    if (!reaped.Contains(their.NodeId))
                        diff.WeLack = true;
                }
                else if (their.Incarnation > member.Incarnation || (their.Incarnation == member.Incarnation && their.StatusRank > member.Rank))
                {
                    diff.WeLack = true;
                }
            }

            return diff;
        }

        private void AddWhatThePeerLacks(Member member, Dictionary<string, MemberDigest> theirs, string self)
        {
            var known = theirs.TryGetValue(member.NodeId, out var their);
            if (!known || their.Incarnation < member.Alive.Incarnation)
            {
                Alive.Add(member.Alive);
                if (member.Rebind is not null)
                    Rebinds.Add(member.Rebind);
            }

            if (member.Status == DsnPeerStatus.Alive)
                return;
            if (known && (their.Incarnation > member.Incarnation || (their.Incarnation == member.Incarnation && their.StatusRank >= member.Rank)))
                return;
            if (member.Status == DsnPeerStatus.Left && member.Leave is not null)
                Leaves.Add(member.Leave);
            else if (member.Accusation is not null)
                Accusations.Add(member.Accusation); // as its reporter signed it: a node cannot vouch in another's name
        }
    }
}
