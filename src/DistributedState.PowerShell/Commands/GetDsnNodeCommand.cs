using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Get-DsnNode: the nodes this session hosts, in start order (the last running one is the default).</summary>
    [Cmdlet(VerbsCommon.Get, "DsnNode", HelpUri = DsnCmdlet.HelpRoot + "Get-DsnNode.md")]
    [OutputType(typeof(DsnNode))]
    public sealed class GetDsnNodeCommand : DsnCmdlet
    {
        /// <summary>NodeIds to list (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostedNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var selected = ForCommand(NodeId, () => NameFilter.Apply(SessionNodes.Nodes, NodeId, n => n.NodeId));
            WriteNotFound(selected.UnmatchedNames, DsnErrors.NodeNotHosted);
            WriteObject(selected.Matches, enumerateCollection: true);
        }
    }
}
