using System;
using System.Diagnostics;
using System.Reflection;
using System.Threading;

namespace DistributedState.Events
{
    /// <summary>
    /// Keeps event delivery from starving the thread pool, which carries the node's probes, acknowledgements and
    /// socket reads. A handler may hand every event to the pool (PowerShell's Register-ObjectEvent queues one work
    /// item per event, and while its session is idle those items block on the session, then sleep 100 ms while
    /// actions are pending), so before each event the dispatcher waits while work items are waiting for a worker:
    /// handlers' pool work then never piles up ahead of the protocol's. The wait is bounded, longer than PowerShell's
    /// 100 ms sleep, so that events still flow when the pool stays saturated with other work.
    /// </summary>
    internal static class ThreadPoolYield
    {
        /// <summary>Longest wait before one event; at worst events flow at four a second.</summary>
        internal static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(250);

        /// <summary>
        /// ThreadPool.PendingWorkItemCount (.NET Core 3.0 and later) read through reflection, since the runtime
        /// targets netstandard2.0; null on .NET Framework, where a pool without a spare worker counts as busy.
        /// </summary>
        private static readonly Func<long>? PendingWorkItems = FindPendingWorkItemCount();

        /// <summary>Returns once no work item waits for a pool worker, or after <see cref="MaxWait"/>. Call on the dispatcher thread only.</summary>
        public static void UntilPoolKeepsUp()
        {
            if (!IsBacklogged())
                return;
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < MaxWait && IsBacklogged())
                Thread.Sleep(1);
        }

        private static bool IsBacklogged()
        {
            if (PendingWorkItems is not null)
                return PendingWorkItems() > 0;
            ThreadPool.GetMaxThreads(out var maxWorkers, out _);
            ThreadPool.GetAvailableThreads(out var availableWorkers, out _);
            ThreadPool.GetMinThreads(out var minWorkers, out _);
            return maxWorkers - availableWorkers >= minWorkers;
        }

        private static Func<long>? FindPendingWorkItemCount()
        {
            var getter = typeof(ThreadPool).GetProperty("PendingWorkItemCount", BindingFlags.Public | BindingFlags.Static)?.GetGetMethod();
            return getter is null ? null : (Func<long>)Delegate.CreateDelegate(typeof(Func<long>), getter);
        }
    }
}
