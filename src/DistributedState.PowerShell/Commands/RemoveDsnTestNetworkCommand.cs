using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Remove-DsnTestNetwork: stops every node of a test network and forgets it.</summary>
    [Cmdlet(VerbsCommon.Remove, "DsnTestNetwork", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Remove-DsnTestNetwork.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDsnTestNetworkCommand : DsnTestNetworkCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            if (!ShouldProcess($"test network of {network.Nodes.Count} nodes (seed {network.Seed})", "Stop")) return;
            Await(TestNetworks.StopAsync(network), "Stopping the test network");
        }
    }
}
