using System;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// One direction between two hosts: its faults (null: the network's default), whether it is cut, and its own
    /// random stream, derived from the network's seed and the two host names.
    /// </summary>
    internal sealed class Link
    {
        private ulong _state;

        public Link(FaultInjectionTransport from, FaultInjectionTransport to, int seed)
        {
            From = from;
            To = to;
            _state = StableHash(from.Name, StableHash(to.Name, (ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
        }

        public FaultInjectionTransport From { get; }

        public FaultInjectionTransport To { get; }

        /// <summary>This direction's own faults; null means the network's default.</summary>
        public volatile LinkFaults? Faults;

        /// <summary>Cut by <see cref="FaultInjectionNetwork.Cut"/> (partitions and isolation are kept on the hosts).</summary>
        public volatile bool ManuallyCut;

        /// <summary>SplitMix64: tiny state, good statistical quality, the same sequence on every .NET.</summary>
        public ulong NextBits()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1).</summary>
        public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

        /// <summary>FNV-1a over the string, chained from <paramref name="basis"/>; unlike string.GetHashCode, stable across processes.</summary>
        public static ulong StableHash(string text, ulong basis)
        {
            var hash = basis ^ 14695981039346656037UL;
            foreach (var c in text)
                hash = (hash ^ c) * 1099511628211UL;
            return hash;
        }
    }
}
