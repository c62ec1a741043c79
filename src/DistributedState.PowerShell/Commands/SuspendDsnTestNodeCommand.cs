using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Suspend-DsnTestNode: freezes test nodes: they stop answering and sending, as a process under SIGSTOP, until Resume-DsnTestNode.</summary>
    [Cmdlet(VerbsLifecycle.Suspend, "DsnTestNode", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Suspend-DsnTestNode.md")]
    [OutputType(typeof(void))]
    public sealed class SuspendDsnTestNodeCommand : DsnTestNodeCmdlet
    {
        /// <inheritdoc/>
        protected override string Action => "Freeze";

        /// <inheritdoc/>
        protected override void Apply(DsnTestNetwork network, string nodeId) => ForCommand(nodeId, () =>
        {
            network.Freeze(nodeId);
            return true;
        });
    }
}
