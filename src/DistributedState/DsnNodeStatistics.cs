using System.Collections.Generic;

namespace DistributedState
{
    /// <summary>
    /// Counters of what a node has done and rejected since it started: frames and bytes in and out,
    /// and every frame or handshake it dropped, by reason. Names are stable (see docs/protocol.md).
    /// </summary>
    public sealed class DsnNodeStatistics
    {
        internal DsnNodeStatistics(IReadOnlyDictionary<string, long> counters) => Counters = counters;

        /// <summary>Every counter by name; absent names are zero.</summary>
        public IReadOnlyDictionary<string, long> Counters { get; }

        /// <summary>The value of one counter, zero if it never moved.</summary>
        public long this[string name] => Counters.TryGetValue(name, out var value) ? value : 0;
    }
}
