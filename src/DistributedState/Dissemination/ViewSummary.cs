using System.Collections.Generic;
using DistributedState.Membership;
using DistributedState.State;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// A 64-bit summary of a node's view — member incarnations and statuses, owner epochs and versions — carried by
    /// probes, so two peers notice cheaply that their views differ and only then exchange digests. Order-independent
    /// (an XOR of one hash per member and owner) and blind to the case of NodeIds, which name one node in any case.
    /// Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class ViewSummary
    {
        private ulong _value;
        private long _generation = -1;

        /// <summary>
        /// The summary of the view at <paramref name="generation"/> (the node's change counter): computed again only
        /// when the view changed since the last call.
        /// </summary>
        public ulong Get(long generation, IEnumerable<Member> members, IEnumerable<OwnerState> owners)
        {
            if (generation != _generation)
            {
                _value = Compute(members, owners);
                _generation = generation;
            }

            return _value;
        }

        /// <summary>The summary of a view.</summary>
        public static ulong Compute(IEnumerable<Member> members, IEnumerable<OwnerState> owners)
        {
            ulong summary = 0;
            foreach (var member in members)
                summary ^= Mix(member.NodeId, member.Incarnation, member.Rank);
            foreach (var owner in owners)
            {
                if (owner.IsPublished)
                    summary ^= Mix(owner.Owner, owner.Epoch, owner.Version) * 31;
            }

            return summary;
        }

        /// <summary>FNV-1a over the case-folded NodeId and two numbers, with a final shift so nearby numbers spread.</summary>
        public static ulong Mix(string nodeId, long a, long b)
        {
            var hash = 14695981039346656037UL;
            foreach (var c in nodeId)
                hash = (hash ^ (c >= 'A' && c <= 'Z' ? c + 32u : c)) * 1099511628211UL;
            hash = (hash ^ (ulong)a) * 1099511628211UL;
            hash = (hash ^ (ulong)b) * 1099511628211UL;
            return hash ^ (hash >> 29);
        }
    }
}
