using System;
using System.Diagnostics;
using System.Threading;

namespace DistributedState.Events
{
    /// <summary>
    /// Keeps event delivery from starving the thread pool, which carries the node's probes, acknowledgements and
    /// socket reads. A handler may hand every event to the pool (PowerShell's Register-ObjectEvent queues one work
    /// item per event, and while its session is idle those items block on the session, then sleep 100 ms while
    /// actions are pending), so before each event the dispatcher waits until no pool worker is busy: then whatever
    /// the previous event started has finished, and such items never pile up nor run side by side (two at once can
    /// crash an idle PowerShell, PowerShell issue 24692). The wait is bounded, longer than PowerShell's 100 ms sleep,
    /// so that events still flow when the pool stays busy with other work.
    /// </summary>
    internal static class ThreadPoolYield
    {
        /// <summary>Longest wait before one event; at worst events flow at four a second.</summary>
        internal static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(250);

        /// <summary>Returns once no pool worker is busy, or after <see cref="MaxWait"/>. Call on the dispatcher thread only.</summary>
        public static void UntilPoolIdle()
        {
            if (IsPoolIdle())
                return;
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < MaxWait && !IsPoolIdle())
                Thread.Sleep(1);
        }

        private static bool IsPoolIdle()
        {
            ThreadPool.GetMaxThreads(out var maxWorkers, out _);
            ThreadPool.GetAvailableThreads(out var availableWorkers, out _);
            return availableWorkers == maxWorkers;
        }
    }
}
