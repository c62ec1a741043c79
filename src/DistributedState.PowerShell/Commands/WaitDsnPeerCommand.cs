using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Wait-DsnPeer: blocks until every named member has the status (Alive by default), then returns them; a timeout is
    /// a terminating DsnWaitTimeout error. What scripts and Pester tests use instead of Start-Sleep.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "DsnPeer", HelpUri = DsnCmdlet.HelpRoot + "Wait-DsnPeer.md")]
    [OutputType(typeof(DsnPeer))]
    public sealed class WaitDsnPeerCommand : DsnWaitCmdlet<DsnPeer>
    {
        /// <summary>The status to wait for.</summary>
        [Parameter]
        public DsnPeerStatus Status { get; set; } = DsnPeerStatus.Alive;

        /// <inheritdoc/>
        protected override string Activity => $"Waiting for {string.Join(", ", NodeId)} to be {Status}";

        /// <inheritdoc/>
        protected override Task<IReadOnlyList<DsnPeer>> WaitAsync(DsnNode node, TimeSpan timeout, CancellationToken cancellationToken) =>
            NodeWaits.ForPeersAsync(node, NodeId, Status, timeout, cancellationToken);
    }
}
