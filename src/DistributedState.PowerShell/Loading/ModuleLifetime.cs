using System;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Import-Module and Remove-Module hooks: on Windows PowerShell, resolve the polyfills beside the module before any
    /// cmdlet needs them; everywhere, make each runspace the owner of the nodes it starts, and stop the nodes of the
    /// session that removes the module, so no listener outlives its module.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly TimeSpan StopTimeoutPerNode = TimeSpan.FromSeconds(5);

        /// <summary>Called by Import-Module, in every runspace that imports the module.</summary>
        public void OnImport()
        {
            DependencyResolver.Register();
            InstallOwnership();
        }

        /// <summary>
        /// Called by Remove-Module in the runspace that removes it: that runspace's nodes stop; other runspaces keep the
        /// module and their nodes. The resolver stays installed; see <see cref="DependencyResolver.Register"/>.
        /// </summary>
        public void OnRemove(PSModuleInfo psModuleInfo) => StopSessionNodes();

        // Separate methods so that on Windows PowerShell the engine's polyfills are bound only once the resolver is in.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void InstallOwnership() => RunspaceOwner.Install();

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void StopSessionNodes()
        {
            TestNetworks.StopOwnedBy(SessionNodes.CurrentOwner, StopTimeoutPerNode);
            SessionNodes.StopOwnedBy(SessionNodes.CurrentOwner, StopTimeoutPerNode);
        }
    }
}
