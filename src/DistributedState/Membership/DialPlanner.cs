using System;
using System.Collections.Generic;
using DistributedState.Internal;

namespace DistributedState.Membership
{
    /// <summary>
    /// Which live members without a connection housekeeping dials now. A joiner dials everyone at once, so a member
    /// that learns of a joiner waits before dialling it — one second when it has the smaller NodeId of the pair, three
    /// when it has the larger — or both sides would dial at once and open two connections per pair during every join.
    /// Dials stop at the dial target (the connection cap beyond the full mesh). Not thread-safe: the node calls it
    /// under its lock.
    /// </summary>
    internal sealed class DialPlanner
    {
        /// <summary>How long the smaller NodeId of a pair waits before dialling a member it has no connection to.</summary>
        public const long SmallerIdWaitMs = 1000;

        /// <summary>How long the larger NodeId waits: long enough for the smaller one's dial to arrive first.</summary>
        public const long LargerIdWaitMs = 3000;

        private readonly string _selfId;
        private Dictionary<string, long> _unconnectedSince = new Dictionary<string, long>(NameRules.NodeIdComparer);

        /// <param name="selfId">This node's NodeId.</param>
        public DialPlanner(string selfId) => _selfId = selfId;

        /// <summary>The members to dial now.</summary>
        /// <param name="liveMembers">Live members other than this node, in the order to consider them.</param>
        /// <param name="isConnected">Whether this node holds a session to the member.</param>
        /// <param name="mayNotDialNow">A dial is under way, or the member asked not to be dialled for a while.</param>
        /// <param name="connected">How many peers this node is connected to.</param>
        /// <param name="target">How many it dials up to.</param>
        /// <param name="now">The node's monotonic clock, in milliseconds.</param>
        public List<string> Choose(IEnumerable<string> liveMembers, Func<string, bool> isConnected, Func<string, bool> mayNotDialNow,
            int connected, int target, long now)
        {
            var result = new List<string>();
            // Members that went away or got a connection are forgotten: their clock starts again if they lose it.
            var stillUnconnected = new Dictionary<string, long>(NameRules.NodeIdComparer);
            foreach (var nodeId in liveMembers)
            {
                if (isConnected(nodeId))
                    continue;
                if (_unconnectedSince.TryGetValue(nodeId, out var known))
                    stillUnconnected[nodeId] = known;
                if (connected + result.Count >= target || mayNotDialNow(nodeId))
                    continue;
                if (!stillUnconnected.TryGetValue(nodeId, out var since))
                    stillUnconnected[nodeId] = since = now;
                if (now - since > WaitMs(nodeId))
                    result.Add(nodeId);
            }

            _unconnectedSince = stillUnconnected;
            return result;
        }

        private long WaitMs(string peer) => NameRules.NodeIdComparer.Compare(_selfId, peer) < 0 ? SmallerIdWaitMs : LargerIdWaitMs;
    }
}
