using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Stop-DsnTestNode: crashes test nodes: their connections drop without a leave, so the others detect them as Failed.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "DsnTestNode", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Stop-DsnTestNode.md")]
    [OutputType(typeof(void))]
    public sealed class StopDsnTestNodeCommand : DsnTestNetworkCmdlet
    {
        /// <summary>The nodes to crash.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            foreach (var nodeId in NodeId)
            {
                if (!ShouldProcess(nodeId, "Crash")) continue;
                var crash = ForCommand(nodeId, () => network.CrashAsync(nodeId));
                Await(crash, $"Crashing {nodeId}");
            }
        }
    }
}
