using System.Collections.Generic;
using System.Linq;
using DistributedState.Internal;

namespace DistributedState.Sessions
{
    /// <summary>
    /// Peers this node does not dial for a while: those that shed their connection to it because they hold more than
    /// their connection cap (dialling them back would only be shed again). Probes and direct messages still reach them.
    /// Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class HoldOffs
    {
        private readonly Dictionary<string, long> _until = new Dictionary<string, long>(NameRules.NodeIdComparer);

        /// <summary>Holds the peer off until <paramref name="untilMs"/> on the node's monotonic clock.</summary>
        public void HoldOff(string nodeId, long untilMs) => _until[nodeId] = untilMs;

        /// <summary>True while the peer should not be dialled.</summary>
        public bool IsHeldOff(string nodeId, long now) => _until.TryGetValue(nodeId, out var until) && now < until;

        /// <summary>Forgets the hold-offs that ended.</summary>
        public void Expire(long now)
        {
            foreach (var ended in _until.Where(p => now >= p.Value).Select(p => p.Key).ToList())
                _until.Remove(ended);
        }

        /// <summary>How many peers are held off (ended ones count until <see cref="Expire"/>).</summary>
        public int Count => _until.Count;
    }
}
