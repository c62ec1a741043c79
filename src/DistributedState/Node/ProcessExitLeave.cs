using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace DistributedState
{
    /// <summary>
    /// Stops the nodes still running when the process exits (<see cref="AppDomain.ProcessExit"/>: the end of Main or
    /// of a pwsh script, <see cref="Environment.Exit"/>, and on .NET Core also SIGTERM), so each sends its leave and
    /// peers mark it Left instead of failing it after a suspicion timeout.
    /// </summary>
    internal static class ProcessExitLeave
    {
        /// <summary>All leaves together get this long: an exiting process must not hang on an unreachable peer.</summary>
        internal static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

        private static readonly object Gate = new object();
        private static readonly Dictionary<object, Func<Task>> Leaving = new Dictionary<object, Func<Task>>();
        private static bool _hooked;

        /// <summary>Runs <paramref name="leave"/> at process exit unless <see cref="Forget"/> was called first.</summary>
        public static void Register(object node, Func<Task> leave)
        {
            lock (Gate)
            {
                if (!_hooked)
                {
                    AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
                    _hooked = true;
                }

                Leaving[node] = leave;
            }
        }

        /// <summary>The node stopped on its own: nothing to do for it at exit (and it is not kept alive by this table).</summary>
        public static void Forget(object node)
        {
            lock (Gate)
                Leaving.Remove(node);
        }

        private static void OnProcessExit(object? sender, EventArgs e) => LeaveAll();

        /// <summary>Stops every registered node gracefully, waiting at most <see cref="Bound"/>. Internal for tests.</summary>
        internal static void LeaveAll()
        {
            List<Func<Task>> leaves;
            lock (Gate)
            {
                leaves = Leaving.Values.ToList();
                Leaving.Clear();
            }

            if (leaves.Count == 0)
                return;
            try
            {
                // Task.Run: a leave must not run on this thread's synchronization context (a host's, if any).
                Task.WhenAll(leaves.Select(leave => Task.Run(leave))).Wait(Bound);
            }
            catch (AggregateException)
            {
                // A node that failed to stop cleanly is no reason to fail the exit; peers will detect it.
            }
        }
    }
}
