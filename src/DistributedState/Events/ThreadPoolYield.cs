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
    /// actions are pending), so before each event for such a subscriber (<see cref="PoolQueuingHandlers"/>) the
    /// dispatcher waits while work items are waiting for a worker, or some workers are busy and fewer than
    /// <see cref="SpareWorkers"/> are idle: handlers' pool work then never
    /// takes the workers the protocol needs. The wait is bounded, longer than PowerShell's 100 ms sleep, so that events
    /// still flow when the pool stays saturated with other work. Other subscribers are not paced: waiting for the pool
    /// before every event cost a busy in-process network's events a few ms each.
    /// </summary>
    internal static class ThreadPoolYield
    {
        /// <summary>
        /// Idle workers kept for the protocol: a PowerShell work item takes the worker it lands on, and a ping's read,
        /// its acknowledgement's write and the node's tick each need one at once.
        /// </summary>
        internal const int SpareWorkers = 4;

        /// <summary>Longest wait before one event; at worst events flow at four a second.</summary>
        internal static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(250);

        /// <summary>
        /// ThreadPool.PendingWorkItemCount (.NET Core 3.0 and later) read through reflection, since the runtime
        /// targets netstandard2.0; null on .NET Framework, where a pool without a spare worker counts as busy.
        /// </summary>
        private static readonly Func<long>? PendingWorkItems = Find<long>("PendingWorkItemCount");

        /// <summary>ThreadPool.ThreadCount (.NET Core 3.0 and later): the workers that exist, busy or idle.</summary>
        private static readonly Func<int>? Workers = Find<int>("ThreadCount");

        /// <summary>Returns once no work item waits for a pool worker and <see cref="SpareWorkers"/> are idle, or after <see cref="MaxWait"/>. Call on the dispatcher thread only.</summary>
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
            ThreadPool.GetMaxThreads(out var maxWorkers, out _);
            ThreadPool.GetAvailableThreads(out var availableWorkers, out _);
            var busy = maxWorkers - availableWorkers;
            // A pool with nobody busy cannot starve the protocol however few workers it has (a quiet 2-core process
            // keeps two or three): only while some workers are held do fewer than SpareWorkers idle ones count.
            if (PendingWorkItems is not null && Workers is not null)
                return PendingWorkItems() > 0 || (busy > 0 && Workers() - busy < SpareWorkers);
            ThreadPool.GetMinThreads(out var minWorkers, out _);
            return busy >= minWorkers;
        }

        private static Func<T>? Find<T>(string property)
        {
            var getter = typeof(ThreadPool).GetProperty(property, BindingFlags.Public | BindingFlags.Static)?.GetGetMethod();
            return getter is null ? null : (Func<T>)Delegate.CreateDelegate(typeof(Func<T>), getter);
        }
    }
}
