using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Get-DsnPeer: the members the node knows (itself included) with status, endpoint and key count.</summary>
    [Cmdlet(VerbsCommon.Get, "DsnPeer", HelpUri = DsnCmdlet.HelpRoot + "Get-DsnPeer.md")]
    [OutputType(typeof(DsnPeer))]
    public sealed class GetDsnPeerCommand : DsnNodeCmdlet
    {
        /// <summary>Members to list (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <summary>Only members with one of these statuses.</summary>
        [Parameter]
        public DsnPeerStatus[]? Status { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var selected = ForCommand(NodeId, () => PeerSelection.Select(node.GetPeers(), NodeId, Status));
            WriteNotFound(selected.UnmatchedNames, id => DsnErrors.MemberNotFound(id, node.NodeId));
            WriteObject(selected.Matches, enumerateCollection: true);
        }
    }
}
