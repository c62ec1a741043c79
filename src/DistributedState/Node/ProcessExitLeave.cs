using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;

namespace DistributedState
{
    /// <summary>
    /// Stops the nodes still running when the process ends, so each sends its leave and peers mark it Left instead
    /// of failing it after a suspicion timeout: on <see cref="AppDomain.ProcessExit"/> (the end of Main or of a pwsh
    /// script, <see cref="Environment.Exit"/>, Ctrl+C in a non-interactive pwsh, which ends the script) and on
    /// SIGTERM (a service stop, <c>kill</c>, <c>Stop-Process</c> without -Force), which on .NET 6+ terminates the
    /// process without raising ProcessExit unless a handler is registered for the signal. SIGINT is not taken: an
    /// interactive pwsh turns Ctrl+C into stopping the current command, and the nodes must keep running then.
    /// </summary>
    internal static class ProcessExitLeave
    {
        /// <summary>All leaves together get this long: an exiting process must not hang on an unreachable peer.</summary>
        internal static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

        private static readonly object Gate = new object();
        private static readonly Dictionary<object, Func<Task>> Leaving = new Dictionary<object, Func<Task>>();
        private static bool _hooked;

        /// <summary>Kept so the SIGTERM registration is not collected (which would unregister it).</summary>
        private static object? _sigterm;

        /// <summary>Runs <paramref name="leave"/> at process exit unless <see cref="Forget"/> was called first.</summary>
        public static void Register(object node, Func<Task> leave)
        {
            lock (Gate)
            {
                if (!_hooked)
                {
                    AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
                    _sigterm = RegisterSigterm();
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

        /// <summary>
        /// <c>PosixSignalRegistration.Create(PosixSignal.SIGTERM, ...)</c> where the runtime has it (.NET 6+; this
        /// library targets netstandard2.0, so through reflection). The handler does not cancel the signal: the process
        /// still terminates as before, after the leaves. Null elsewhere (.NET Framework has no SIGTERM).
        /// </summary>
        private static object? RegisterSigterm()
        {
            const string Namespace = "System.Runtime.InteropServices.";
            const string Assembly = ", System.Runtime.InteropServices";
            var registration = Type.GetType(Namespace + "PosixSignalRegistration" + Assembly, throwOnError: false);
            var signal = Type.GetType(Namespace + "PosixSignal" + Assembly, throwOnError: false);
            var context = Type.GetType(Namespace + "PosixSignalContext" + Assembly, throwOnError: false);
            if (registration is null || signal is null || context is null)
                return null;
            var handlerType = typeof(Action<>).MakeGenericType(context);
            var create = registration.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, null, new[] { signal, handlerType }, null);
            var onSigterm = typeof(ProcessExitLeave).GetMethod(nameof(OnSigterm), BindingFlags.NonPublic | BindingFlags.Static);
            if (create is null || onSigterm is null)
                return null;
            try
            {
                return create.Invoke(null, new object[] { Enum.Parse(signal, "SIGTERM"), Delegate.CreateDelegate(handlerType, onSigterm) });
            }
            catch (TargetInvocationException)
            {
                return null; // a platform without signals (browser, mobile): ProcessExit remains
            }
        }

        // Takes the PosixSignalContext as object: a delegate may bind a method with a less specific parameter type.
        private static void OnSigterm(object context) => LeaveAll();

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
