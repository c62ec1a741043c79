using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Resume-DsnTestNode: thaws frozen test nodes: they answer again and refute any suspicion of themselves.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "DsnTestNode", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Resume-DsnTestNode.md")]
    [OutputType(typeof(void))]
    public sealed class ResumeDsnTestNodeCommand : DsnTestNodeCmdlet
    {
        /// <inheritdoc/>
        protected override string Action => "Thaw";

        /// <inheritdoc/>
        protected override void Apply(DsnTestNetwork network, string nodeId) => ForCommand(nodeId, () =>
        {
            network.Thaw(nodeId);
            return true;
        });
    }
}
