using System;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Import-Module and Remove-Module hooks: resolve the Dependencies/ folder before any cmdlet needs it, and stop
    /// every node this session started when the module goes away, so no listener outlives its module.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly TimeSpan StopTimeoutPerNode = TimeSpan.FromSeconds(5);

        /// <summary>Called by Import-Module.</summary>
        public void OnImport() => DependencyResolver.Register();

        /// <summary>Called by Remove-Module.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            StopAllNodes();
            DependencyResolver.Unregister();
        }

        // A separate method so the engine assembly is only bound when this runs, while the resolver is still installed.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void StopAllNodes() => SessionNodes.StopAll(StopTimeoutPerNode);
    }
}
