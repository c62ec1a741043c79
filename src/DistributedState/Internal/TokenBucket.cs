using System;

namespace DistributedState.Internal
{
    /// <summary>
    /// Allows an action at most once per interval on average, with a burst of up to <c>capacity</c> at once: it holds up
    /// to that many tokens, gains one per interval, and each allowed action takes one. Bounds what one peer can make a
    /// node do (answering digests, writing a log line) without timers: the caller passes its monotonic clock.
    /// Thread-safe.
    /// </summary>
    internal sealed class TokenBucket
    {
        private readonly object _lock = new object();
        private readonly int _capacity;
        private readonly long _intervalMs;
        private int _tokens;
        private long _refilledAt;
        private bool _started;

        /// <param name="capacity">The burst: how many actions are allowed at once after a quiet period (at least 1).</param>
        /// <param name="intervalMs">How long it takes to regain one token (at least 1 ms).</param>
        public TokenBucket(int capacity, long intervalMs)
        {
            if (capacity < 1)
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A bucket holds at least one token.");
            if (intervalMs < 1)
                throw new ArgumentOutOfRangeException(nameof(intervalMs), intervalMs, "A token takes at least 1 ms to regain.");
            _capacity = capacity;
            _intervalMs = intervalMs;
            _tokens = capacity;
        }

        /// <summary>Takes a token if one is left; false means the action must not happen now.</summary>
        /// <param name="nowMs">The caller's monotonic clock, in milliseconds; it never goes backwards.</param>
        public bool TryTake(long nowMs)
        {
            lock (_lock)
            {
                Refill(nowMs);
                if (_tokens == 0)
                    return false;
                _tokens--;
                return true;
            }
        }

        private void Refill(long nowMs)
        {
            if (!_started)
            {
                _started = true;
                _refilledAt = nowMs;
                return;
            }

            var gained = (nowMs - _refilledAt) / _intervalMs;
            if (gained <= 0)
                return;
            if (_tokens + gained >= _capacity)
            {
                // Full: time spent full earns nothing, so the next token is a whole interval after the next take.
                _tokens = _capacity;
                _refilledAt = nowMs;
            }
            else
            {
                // Keep the part of an interval already waited, so a steady caller gets exactly one token per interval.
                _tokens += (int)gained;
                _refilledAt += gained * _intervalMs;
            }
        }
    }
}
