using System;

namespace DistributedState.State
{
    /// <summary>
    /// Versions for an owner's writes: milliseconds since the Unix epoch shifted left 12 bits, plus a counter, so a
    /// version tells when it was written, stays unique for 4096 writes a millisecond, and never goes backwards —
    /// <see cref="Observe"/> lifts the clock above any version of this owner found in the network (a restart on
    /// a machine whose clock is behind). Thread-safe.
    /// </summary>
    internal sealed class HybridClock
    {
        private const int CounterBits = 12;
        private readonly object _lock = new object();
        private readonly Func<long> _unixMilliseconds;
        private long _last;

        /// <summary>A clock on the machine's wall clock.</summary>
        public HybridClock()
            : this(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
        {
        }

        /// <summary>A clock on the given wall clock (milliseconds since the Unix epoch), for tests.</summary>
        public HybridClock(Func<long> unixMilliseconds) => _unixMilliseconds = unixMilliseconds;

        /// <summary>The next version: the wall clock's, or one above the last one when the wall clock has not moved on.</summary>
        public long Next()
        {
            lock (_lock)
            {
                _last = Math.Max(_last + 1, _unixMilliseconds() << CounterBits);
                return _last;
            }
        }

        /// <summary>Makes every later version greater than <paramref name="version"/>.</summary>
        public void Observe(long version)
        {
            lock (_lock)
                _last = Math.Max(_last, version);
        }

        /// <summary>When a version was written (clamped to the representable range).</summary>
        public static DateTimeOffset ToTime(long version) => DateTimeOffset.FromUnixTimeMilliseconds(ToUnixMs(version));

        /// <summary>When a version was written, in milliseconds since the Unix epoch (clamped to what DateTimeOffset holds).</summary>
        public static long ToUnixMs(long version) => Math.Max(0, Math.Min(version >> CounterBits, 253402300799999L));
    }
}
