using System;

namespace DistributedState.Membership
{
    /// <summary>
    /// Lifeguard's suspicion timeout: how long a suspect has to refute before it is declared failed. It starts at three
    /// times a minimum and falls towards the minimum as independent confirmations arrive (log-scaled, saturating at
    /// <see cref="ExpectedConfirmations"/>); the minimum grows with the network's size: multiplier × log10(members + 1)
    /// × probe interval, at least one second. A pure function of its inputs.
    /// </summary>
    internal sealed class Suspicion
    {
        /// <summary>Confirmations after which the timeout has fallen to its minimum.</summary>
        public const int ExpectedConfirmations = 3;

        private const double FloorMs = 1000;
        private readonly double _multiplier;
        private readonly double _probeIntervalMs;

        public Suspicion(double multiplier, TimeSpan probeInterval)
        {
            _multiplier = multiplier;
            _probeIntervalMs = probeInterval.TotalMilliseconds;
        }

        /// <summary>The shortest timeout, reached with <see cref="ExpectedConfirmations"/> confirmations.</summary>
        public double MinimumMs(int memberCount) => Math.Max(FloorMs, _multiplier * Math.Log10(memberCount + 1) * _probeIntervalMs);

        /// <summary>The timeout for a suspect that <paramref name="confirmations"/> members other than the first accuser confirmed.</summary>
        public double TimeoutMs(int memberCount, int confirmations)
        {
            var minimum = MinimumMs(memberCount);
            var maximum = 3 * minimum;
            var counted = Math.Min(Math.Max(0, confirmations), ExpectedConfirmations);
            var fraction = Math.Log(counted + 1) / Math.Log(ExpectedConfirmations + 1);
            return maximum - (maximum - minimum) * fraction;
        }
    }
}
