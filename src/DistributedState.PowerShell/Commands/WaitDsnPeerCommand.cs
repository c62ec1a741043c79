using System;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Wait-DsnPeer: blocks until every named member has the status (Alive by default), then returns them; a timeout is
    /// a terminating DsnWaitTimeout error. What scripts and Pester tests use instead of Start-Sleep.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "DsnPeer")]
    [OutputType(typeof(DsnPeer))]
    public sealed class WaitDsnPeerCommand : DsnCmdlet
    {
        /// <summary>The members to wait for.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <summary>The status to wait for.</summary>
        [Parameter]
        public DsnPeerStatus Status { get; set; } = DsnPeerStatus.Alive;

        /// <summary>How long to wait, in seconds.</summary>
        [Parameter]
        [ValidateRange(0.001, 86400.0)]
        public double Timeout { get; set; } = 30;

        /// <summary>The node whose view to watch; default: the last started node still running.</summary>
        [Parameter]
        public DsnNode? Node { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = ResolveNode(Node);
            var wait = NodeWaits.ForPeersAsync(node, NodeId, Status, TimeSpan.FromSeconds(Timeout), Cancellation);
            var peers = ForCommand(NodeId, () => Await(wait, $"Waiting for {string.Join(", ", NodeId)} to be {Status}"));
            WriteObject(peers, enumerateCollection: true);
        }
    }
}
