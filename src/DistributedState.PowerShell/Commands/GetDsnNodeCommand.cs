using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Get-DsnNode: the nodes this session hosts, in start order (the last running one is the default); with
    /// -Statistics, their counters instead (one object per node and counter).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DsnNode", DefaultParameterSetName = NodesSet, HelpUri = DsnCmdlet.HelpRoot + "Get-DsnNode.md")]
    [OutputType(typeof(DsnNode), ParameterSetName = new[] { NodesSet })]
    [OutputType(typeof(DsnNodeCounter), ParameterSetName = new[] { StatisticsSet })]
    public sealed class GetDsnNodeCommand : DsnCmdlet
    {
        private const string NodesSet = "Nodes";
        private const string StatisticsSet = "Statistics";

        /// <summary>NodeIds to list (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostedNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <summary>Writes each selected node's counters (DsnNode.GetStatistics) instead of the node.</summary>
        [Parameter(Mandatory = true, ParameterSetName = StatisticsSet)]
        public SwitchParameter Statistics { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var selected = ForCommand(NodeId, () => NameFilter.Apply(SessionNodes.Nodes, NodeId, n => n.NodeId));
            WriteNotFound(selected.UnmatchedNames, DsnErrors.NodeNotHosted);
            foreach (var node in selected.Matches)
            {
                if (Statistics) WriteObject(DsnNodeCounter.Of(node), enumerateCollection: true);
                else WriteObject(node);
            }
        }
    }
}
