using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Join-DsnTestNetwork: heals a test network: every partition and cut ends (link loss and delay stay).</summary>
    [Cmdlet(VerbsCommon.Join, "DsnTestNetwork", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Join-DsnTestNetwork.md")]
    [OutputType(typeof(void))]
    public sealed class JoinDsnTestNetworkCommand : DsnTestNetworkCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            if (ShouldProcess($"test network of {network.Nodes.Count} nodes", "Heal every partition and cut"))
                network.Heal();
        }
    }
}
