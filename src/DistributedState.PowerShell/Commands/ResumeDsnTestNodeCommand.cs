using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Resume-DsnTestNode: thaws frozen test nodes: they answer again and refute any suspicion of themselves.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "DsnTestNode", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Resume-DsnTestNode.md")]
    [OutputType(typeof(void))]
    public sealed class ResumeDsnTestNodeCommand : DsnTestNetworkCmdlet
    {
        /// <summary>The nodes to thaw.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            foreach (var nodeId in NodeId)
            {
                if (!ShouldProcess(nodeId, "Thaw")) continue;
                ForCommand(nodeId, () =>
                {
                    network.Thaw(nodeId);
                    return true;
                });
            }
        }
    }
}
