using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Set-DsnPrimaryNetworkKey: makes an installed key the primary of every member (serf keys use): members dial with
    /// it from then on and still admit the former primary until Remove-DsnNetworkKey. One result per member.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DsnPrimaryNetworkKey", SupportsShouldProcess = true, DefaultParameterSetName = KeySet, HelpUri = DsnCmdlet.HelpRoot + "Set-DsnPrimaryNetworkKey.md")]
    [OutputType(typeof(DsnKeyringResult))]
    public sealed class SetDsnPrimaryNetworkKeyCommand : DsnKeyIdCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var keyId = GivenKeyId();
            if (!ShouldProcess(EveryMember(node), $"Make network key {keyId} the primary")) return;
            WriteResults(keyId, $"Making key {keyId} primary", () => node.UseNetworkKeyAsync(keyId, Timeout, null, Cancellation));
        }
    }
}
