using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Makes the runspace the session that owns nodes. PowerShell loads the module once per process, but a
    /// [powershell]::Create() instance, a thread job or ForEach-Object -Parallel each run in their own runspace: each
    /// gets its own default node and node list, and the nodes a runspace started stop when it is closed or disposed.
    /// </summary>
    internal static class RunspaceOwner
    {
        private static readonly TimeSpan StopTimeoutPerNode = TimeSpan.FromSeconds(5);
        private static readonly ConditionalWeakTable<Runspace, object> Watched = new ConditionalWeakTable<Runspace, object>();
        private static readonly object Marker = new object();

        /// <summary>Tells the engine that the calling thread's runspace is its session (see <see cref="SessionNodes.UseOwnerSource"/>).</summary>
        public static void Install() => SessionNodes.UseOwnerSource(() => Runspace.DefaultRunspace);

        /// <summary>Stops the runspace's nodes when it closes or breaks; watches each runspace once.</summary>
        public static void StopNodesWhenClosed(Runspace? runspace)
        {
            if (runspace is null) return;
            lock (Watched)
            {
                if (Watched.TryGetValue(runspace, out _)) return;
                Watched.Add(runspace, Marker);
            }

            runspace.StateChanged += OnStateChanged;
        }

        private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            var state = e.RunspaceStateInfo.State;
            if (sender is Runspace runspace && (state == RunspaceState.Closed || state == RunspaceState.Broken))
            {
                runspace.StateChanged -= OnStateChanged;
                TestNetworks.StopOwnedBy(runspace, StopTimeoutPerNode);
                SessionNodes.StopOwnedBy(runspace, StopTimeoutPerNode);
            }
        }
    }
}
