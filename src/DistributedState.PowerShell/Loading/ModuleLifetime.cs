using System;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Import-Module and Remove-Module hooks: on Windows PowerShell, resolve the polyfills beside the module before any
    /// cmdlet needs them; everywhere, stop every node this session started when the module goes away, so no listener
    /// outlives its module.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly TimeSpan StopTimeoutPerNode = TimeSpan.FromSeconds(5);

        /// <summary>Called by Import-Module.</summary>
        public void OnImport() => DependencyResolver.Register();

        /// <summary>Called by Remove-Module. The resolver stays installed; see <see cref="DependencyResolver.Register"/>.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo) => StopAllNodes();

        // A separate method so that on Windows PowerShell the engine's polyfills are bound only once the resolver is in.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void StopAllNodes() => SessionNodes.StopAll(StopTimeoutPerNode);
    }
}
