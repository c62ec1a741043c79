using System.Collections.Generic;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.State;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// What a peer's digest of owners shows against the state this node holds: for each owner the peer lacks, the
    /// batches to send it (<see cref="SyncAnswer"/>), and whether the peer holds state this node lacks (so it answers
    /// with its own digest). A pure function of its inputs; the node sends what it says.
    /// </summary>
    internal sealed class StateDigestDiff
    {
        private StateDigestDiff()
        {
        }

        /// <summary>The anti-entropy answers to send, one per owner the peer lacks something of.</summary>
        public List<SyncAnswer> Answers { get; } = new List<SyncAnswer>();

        /// <summary>True when the peer holds a newer run, a newer version, or an owner this node knows as a member but holds no state of.</summary>
        public bool WeLack { get; private set; }

        /// <param name="ours">The state this node holds, by owner (its own included; keys compared as NodeIds).</param>
        /// <param name="members">This node's member table: state of an unknown owner is not something this node lacks.</param>
        /// <param name="theirs">The peer's digest of owners.</param>
        /// <param name="peer">The peer's NodeId.</param>
        public static StateDigestDiff Compute(IReadOnlyDictionary<string, OwnerState> ours, MemberTable members, IReadOnlyList<OwnerDigest> theirs, string peer)
        {
            var diff = new StateDigestDiff();
            var byOwner = new Dictionary<string, OwnerDigest>(NameRules.NodeIdComparer);
            foreach (var entry in theirs)
                byOwner[entry.Owner] = entry;

            foreach (var owner in ours.Values)
            {
                if (owner.IsPublished)
                    diff.AddWhatThePeerLacks(owner, byOwner, peer);
            }

            foreach (var their in byOwner.Values)
            {
                if (!ours.TryGetValue(their.Owner, out var owner))
                {
                    if (members.TryGet(their.Owner, out _))
                        diff.WeLack = true;
                }
                else if (owner.IsNewerRun(their.Epoch) || (their.Epoch == owner.Epoch && their.Version > owner.Version))
                {
                    diff.WeLack = true;
                }
            }

            return diff;
        }

        private void AddWhatThePeerLacks(OwnerState owner, Dictionary<string, OwnerDigest> theirs, string peer)
        {
            var known = theirs.TryGetValue(owner.Owner, out var their);
            if (known && their.Epoch > owner.Epoch && !owner.IsNewerRun(their.Epoch) && NameRules.SameNodeId(owner.Owner, peer))
            {
                // The owner runs an epoch below versions of its own that we hold (its clock is behind): it must
                // see them to rebase above them, since versions never go backwards.
                Answers.Add(new SyncAnswer(owner.Owner, 0, owner.BatchesAfter(0, 0)));
                return;
            }

            if (known && (their.Epoch > owner.Epoch || (their.Epoch == owner.Epoch && their.Version >= owner.Version)))
                return;
            var from = known && their.Epoch == owner.Epoch ? their.Version : 0;
            Answers.Add(new SyncAnswer(owner.Owner, from, owner.BatchesAfter(known ? their.Epoch : 0, from)));
        }
    }
}
