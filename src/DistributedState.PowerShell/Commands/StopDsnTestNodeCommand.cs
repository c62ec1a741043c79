using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Stop-DsnTestNode: crashes test nodes: their connections drop without a leave, so the others detect them as Failed.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "DsnTestNode", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Stop-DsnTestNode.md")]
    [OutputType(typeof(void))]
    public sealed class StopDsnTestNodeCommand : DsnTestNodeCmdlet
    {
        /// <inheritdoc/>
        protected override string Action => "Crash";

        /// <inheritdoc/>
        protected override void Apply(DsnTestNetwork network, string nodeId) => Await(ForCommand(nodeId, () => network.CrashAsync(nodeId)), $"Crashing {nodeId}");
    }
}
