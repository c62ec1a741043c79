using System.Collections.Generic;
using System.Linq;
using DistributedState.Internal;

namespace DistributedState.Membership
{
    /// <summary>
    /// Members forgotten after the departed-retention period, remembered for one more period so their old statements,
    /// still circulating, do not bring them back: an alive record at or below the incarnation a member departed with is
    /// ignored, a higher one (the member really came back) is news. Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class ReapedMembers
    {
        private readonly Dictionary<string, (long Incarnation, long UntilMs)> _reaped = new Dictionary<string, (long, long)>(NameRules.NodeIdComparer);

        /// <summary>How many are remembered.</summary>
        public int Count => _reaped.Count;

        /// <summary>Remembers a member that was just forgotten, until <paramref name="untilMs"/> on the node's monotonic clock.</summary>
        public void Remember(string nodeId, long incarnation, long untilMs) => _reaped[nodeId] = (incarnation, untilMs);

        /// <summary>Whether the member was reaped recently.</summary>
        public bool Contains(string nodeId) => _reaped.ContainsKey(nodeId);

        /// <summary>True when an alive record at this incarnation is an old statement of a reaped member.</summary>
        public bool IsStale(string nodeId, long incarnation) => _reaped.TryGetValue(nodeId, out var reaped) && incarnation <= reaped.Incarnation;

        /// <summary>Forgets the member: it came back.</summary>
        public void Forget(string nodeId) => _reaped.Remove(nodeId);

        /// <summary>Drops what is older than the period it was kept for.</summary>
        public void Expire(long now)
        {
            foreach (var expired in _reaped.Where(r => r.Value.UntilMs < now).Select(r => r.Key).ToList())
                _reaped.Remove(expired);
        }
    }
}
