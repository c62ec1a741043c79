using System;
using System.Diagnostics;
using System.Threading;

namespace DistributedState.Events
{
    /// <summary>
    /// Keeps event delivery from starving the thread pool, which carries the node's probes, acknowledgements and
    /// socket reads. A handler may hand every event to the pool (PowerShell's Register-ObjectEvent queues one work
    /// item per event, and while its session is idle those items block on the session, then sleep 100 ms while
    /// actions are pending), so before each event the dispatcher waits until the pool has a worker to spare: fewer
    /// busy workers than the pool keeps ready without injecting new ones. The wait is bounded so that events still
    /// flow when something else holds the pool's workers for long.
    /// </summary>
    internal static class ThreadPoolYield
    {
        /// <summary>Longest wait before one event; at worst events flow at ten a second.</summary>
        internal static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);

        /// <summary>Returns once a pool worker is spare, or after <see cref="MaxWait"/>. Call on the dispatcher thread only.</summary>
        public static void UntilWorkerSpare()
        {
            if (HasSpareWorker())
                return;
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < MaxWait && !HasSpareWorker())
                Thread.Sleep(1);
        }

        private static bool HasSpareWorker()
        {
            ThreadPool.GetMaxThreads(out var maxWorkers, out _);
            ThreadPool.GetAvailableThreads(out var availableWorkers, out _);
            ThreadPool.GetMinThreads(out var minWorkers, out _);
            return maxWorkers - availableWorkers < minWorkers;
        }
    }
}
