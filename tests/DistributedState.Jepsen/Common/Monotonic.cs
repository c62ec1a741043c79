using System.Diagnostics;

namespace DistributedState.Jepsen.Common
{
    /// <summary>
    /// The one clock of a run. Stopwatch reads CLOCK_MONOTONIC on Linux, which every network namespace shares (a run
    /// creates no time namespace), and libfaketime is told to leave it alone (FAKETIME_DONT_FAKE_MONOTONIC=1): so the
    /// controller and every node process, skewed or not, stamp their lines on the same time line.
    /// </summary>
    internal static class Monotonic
    {
        private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

        /// <summary>Nanoseconds on CLOCK_MONOTONIC.</summary>
        public static long NowNs => (long)(Stopwatch.GetTimestamp() * NanosecondsPerTick);
    }
}
