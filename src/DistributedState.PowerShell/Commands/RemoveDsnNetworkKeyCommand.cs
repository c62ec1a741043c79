using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Remove-DsnNetworkKey: takes a key out of every member's keyring (serf keys remove); from then on a node that dials
    /// with it is refused. The primary cannot be removed. One result per member.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DsnNetworkKey", SupportsShouldProcess = true, DefaultParameterSetName = KeySet, HelpUri = DsnCmdlet.HelpRoot + "Remove-DsnNetworkKey.md")]
    [OutputType(typeof(DsnKeyringResult))]
    public sealed class RemoveDsnNetworkKeyCommand : DsnKeyIdCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var keyId = GivenKeyId();
            if (!ShouldProcess(EveryMember(node), $"Remove network key {keyId}")) return;
            WriteResults(keyId, $"Removing key {keyId}", () => node.RemoveNetworkKeyAsync(keyId, Timeout, null, Cancellation));
        }
    }
}
