using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Blocks the pipeline thread on a task while letting the cmdlet report progress from that same thread
    /// (PowerShell's Write* methods must never be called from another thread).
    /// </summary>
    public static class BlockingWait
    {
        /// <summary>Waits for the task, calling <paramref name="onTick"/> with the elapsed time every <paramref name="tick"/>.</summary>
        /// <exception cref="Exception">Whatever the task threw, unwrapped (not an AggregateException).</exception>
        public static void Wait(Task task, TimeSpan tick, Action<TimeSpan>? onTick)
        {
            if (task is null) throw new ArgumentNullException(nameof(task));
            var watch = Stopwatch.StartNew();
            while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(tick))
                onTick?.Invoke(watch.Elapsed);
            task.GetAwaiter().GetResult();
        }

        /// <summary>Waits for the task and returns its result; see <see cref="Wait(Task, TimeSpan, Action{TimeSpan})"/>.</summary>
        public static T Wait<T>(Task<T> task, TimeSpan tick, Action<TimeSpan>? onTick)
        {
            Wait((Task)task, tick, onTick);
            return task.GetAwaiter().GetResult();
        }
    }
}
