using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.Membership
{
    /// <summary>
    /// How soon housekeeping may dial an endpoint again after dialling it failed: one second after the first failure,
    /// doubling with each further one up to a minute, and at once again after a success. Without it an unreachable
    /// member would be dialled on every housekeeping tick, and endpoints that gossip made up (a member can advertise
    /// any host and port) would be probed four times a second. An endpoint whose wait ended more than a minute ago is
    /// forgotten, so the memory holds only endpoints failing now. Thread-safe.
    /// </summary>
    internal sealed class DialBackoff
    {
        /// <summary>The wait after the first failure.</summary>
        public const long FirstWaitMs = 1000;

        /// <summary>The longest wait.</summary>
        public const long MaxWaitMs = 60_000;

        private const int PruneAbove = 256;
        private readonly Dictionary<DsnEndpoint, (int Failures, long Until)> _failing = new Dictionary<DsnEndpoint, (int, long)>();

        /// <summary>Endpoints remembered as failing.</summary>
        public int Count
        {
            get
            {
                lock (_failing)
                    return _failing.Count;
            }
        }

        /// <summary>False while the endpoint waits after a failed dial.</summary>
        /// <param name="endpoint">The endpoint.</param>
        /// <param name="now">The node's monotonic clock, in milliseconds.</param>
        public bool MayDial(DsnEndpoint endpoint, long now)
        {
            lock (_failing)
                return !_failing.TryGetValue(endpoint, out var state) || now >= state.Until;
        }

        /// <summary>A dial failed: the endpoint waits, longer than last time.</summary>
        public void Failed(DsnEndpoint endpoint, long now)
        {
            lock (_failing)
            {
                var failures = 1;
                if (_failing.TryGetValue(endpoint, out var state) && now - state.Until <= MaxWaitMs)
                    failures = state.Failures + 1;
                var wait = failures > 7 ? MaxWaitMs : Math.Min(MaxWaitMs, FirstWaitMs << (failures - 1));
                _failing[endpoint] = (failures, now + wait);
                if (_failing.Count > PruneAbove)
                {
                    foreach (var forgotten in _failing.Where(p => now - p.Value.Until > MaxWaitMs).Select(p => p.Key).ToList())
                        _failing.Remove(forgotten);
                }
            }
        }

        /// <summary>A dial succeeded: the endpoint may be dialled at once next time.</summary>
        public void Succeeded(DsnEndpoint endpoint)
        {
            lock (_failing)
                _failing.Remove(endpoint);
        }
    }
}
