using System;
using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>Set-DsnTestLink: makes a test node's links lossy or slow (to one node, or to all), or healthy again.</summary>
    [Cmdlet(VerbsCommon.Set, "DsnTestLink", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Set-DsnTestLink.md")]
    [OutputType(typeof(void))]
    public sealed class SetDsnTestLinkCommand : DsnTestNetworkCmdlet
    {
        /// <summary>The node whose links change.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string NodeId { get; set; } = string.Empty;

        /// <summary>Only the link to this node; all its links when omitted.</summary>
        [Parameter(Position = 1)]
        public string? OtherNodeId { get; set; }

        /// <summary>Probability (0–1) that a frame on the link is dropped.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double Loss { get; set; }

        /// <summary>Delay added to every frame on the link.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan Delay { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            if (!ShouldProcess(OtherNodeId is null ? $"every link of {NodeId}" : $"the link {NodeId} - {OtherNodeId}", $"Set loss {Loss} and delay {Delay}")) return;
            ForCommand(NodeId, () =>
            {
                network.SetLinkFaults(NodeId, OtherNodeId, Loss, Delay);
                return true;
            });
        }
    }
}
