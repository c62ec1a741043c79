using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Get-DsnNetworkKey: which network keys each member holds (serf keys list), by key id — never the keys themselves —
    /// the primary first. One result per member.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DsnNetworkKey", HelpUri = DsnCmdlet.HelpRoot + "Get-DsnNetworkKey.md")]
    [OutputType(typeof(DsnKeyringResult))]
    public sealed class GetDsnNetworkKeyCommand : DsnKeyringCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            WriteResults(node.NodeId, "Listing every member's keys", () => node.ListNetworkKeysAsync(Timeout, null, Cancellation));
        }
    }
}
