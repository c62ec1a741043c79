using System;

namespace DistributedState.State
{
    /// <summary>
    /// Versions for an owner's writes: milliseconds since the Unix epoch shifted left 12 bits, plus a counter, so a
    /// version tells when it was written, stays unique for 4096 writes a millisecond, and never goes backwards —
    /// <see cref="Observe"/> lifts the clock above any version of this owner found in the network (a restart on
    /// a machine whose clock is behind).
    /// </summary>
    internal sealed class HybridClock
    {
        private const int CounterBits = 12;
        private readonly object _lock = new object();
        private long _last;

        public long Next()
        {
            lock (_lock)
            {
                _last = Math.Max(_last + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << CounterBits);
                return _last;
            }
        }

        public void Observe(long version)
        {
            lock (_lock)
                _last = Math.Max(_last, version);
        }

        public static DateTimeOffset ToTime(long version) =>
            DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, Math.Min(version >> CounterBits, 253402300799999L)));
    }
}
