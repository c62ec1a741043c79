using System.Linq;
using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Split-DsnTestNetwork: partitions a test network into groups of nodes that hear only each other.</summary>
    [Cmdlet(VerbsCommon.Split, "DsnTestNetwork", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Split-DsnTestNetwork.md")]
    [OutputType(typeof(void))]
    public sealed class SplitDsnTestNetworkCommand : DsnTestNetworkCmdlet
    {
        /// <summary>The groups: two or more lists of NodeIds, for example @('node1','node2'), @('node3').</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string[][] Group { get; set; } = new string[0][];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            var groups = string.Join(" | ", Group.Select(g => string.Join(", ", g)));
            if (!ShouldProcess(groups, "Partition the test network")) return;
            ForCommand(null, () =>
            {
                network.Partition(Group.Select(g => (System.Collections.Generic.IEnumerable<string>)g).ToArray());
                return true;
            });
            WriteVerbose("Partitioned: " + groups);
        }
    }
}
