using System;

namespace DistributedState.Jepsen.Common
{
    /// <summary>
    /// A tiny seeded generator whose sequence is fixed by its definition (System.Random's algorithm is an implementation
    /// detail of the framework): the same seed gives the same fault schedule on any .NET.
    /// </summary>
    internal sealed class SplitMix64
    {
        private ulong _state;

        public SplitMix64(long seed) => _state = unchecked((ulong)seed);

        /// <summary>A seed for one purpose of one run, derived from the run's seed and a name (FNV-1a; string hashes of .NET change per process).</summary>
        public static long Derive(long seed, string purpose)
        {
            unchecked
            {
                var hash = 14695981039346656037UL ^ (ulong)seed;
                foreach (var c in purpose)
                    hash = (hash ^ c) * 1099511628211UL;
                return (long)new SplitMix64((long)hash).NextUInt64();
            }
        }

        public ulong NextUInt64()
        {
            unchecked
            {
                var z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>A value in [0, bound).</summary>
        public int Next(int bound)
        {
            if (bound <= 0)
                throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be positive.");
            return (int)(NextUInt64() % (ulong)bound);
        }

        /// <summary>A value in [low, high], both included.</summary>
        public int Between(int low, int high) => low + Next(high - low + 1);

        /// <summary>A random order of the items (Fisher–Yates).</summary>
        public T[] Shuffle<T>(System.Collections.Generic.IEnumerable<T> items)
        {
            var array = System.Linq.Enumerable.ToArray(items);
            for (var i = array.Length - 1; i > 0; i--)
            {
                var j = Next(i + 1);
                (array[i], array[j]) = (array[j], array[i]);
            }

            return array;
        }
    }
}
