using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Stop-DsnNode: stops nodes gracefully (peers see them Left at once); without arguments, the default node.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "DsnNode", SupportsShouldProcess = true, DefaultParameterSetName = NodeIdSet, HelpUri = DsnCmdlet.HelpRoot + "Stop-DsnNode.md")]
    [OutputType(typeof(DsnNode))]
    public sealed class StopDsnNodeCommand : DsnCmdlet
    {
        private const string NodeSet = "Node";
        private const string NodeIdSet = "NodeId";

        /// <summary>The node objects to stop.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = NodeSet)]
        public DsnNode[] Node { get; set; } = new DsnNode[0];

        /// <summary>NodeIds (wildcards allowed) of nodes this session hosts.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NodeIdSet)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostedNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <summary>Returns each stopped node.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == NodeSet)
            {
                foreach (var node in Node) Stop(node);
                return;
            }

            if (NodeId is null)
            {
                Stop(ResolveNode(null));
                return;
            }

            var selected = ForCommand(NodeId, () => NameFilter.Apply(SessionNodes.Nodes, NodeId, n => n.NodeId));
            WriteNotFound(selected.UnmatchedNames, DsnErrors.NodeNotHosted);
            foreach (var node in selected.Matches) Stop(node);
        }

        private void Stop(DsnNode node) => ForItem(node, () =>
        {
            if (!ShouldProcess(node.NodeId, "Stop the node")) return;
            Await(SessionNodes.StopAsync(node, Cancellation), $"Stopping node {node.NodeId}");
            WriteVerbose($"Node '{node.NodeId}' stopped.");
            if (PassThru) WriteObject(node);
        });
    }
}
