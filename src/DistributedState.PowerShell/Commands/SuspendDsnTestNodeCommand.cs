using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Suspend-DsnTestNode: freezes test nodes: they stop answering and sending, as a process under SIGSTOP, until Resume-DsnTestNode.</summary>
    [Cmdlet(VerbsLifecycle.Suspend, "DsnTestNode", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Suspend-DsnTestNode.md")]
    [OutputType(typeof(void))]
    public sealed class SuspendDsnTestNodeCommand : DsnTestNetworkCmdlet
    {
        /// <summary>The nodes to freeze.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            foreach (var nodeId in NodeId)
            {
                if (!ShouldProcess(nodeId, "Freeze")) continue;
                ForCommand(nodeId, () =>
                {
                    network.Freeze(nodeId);
                    return true;
                });
            }
        }
    }
}
