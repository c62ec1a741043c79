using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Add-DsnNetworkKey: installs a network key on every member (serf keys install). Members then admit peers that
    /// dial with it; nobody dials with it until Set-DsnPrimaryNetworkKey. One result per member.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "DsnNetworkKey", SupportsShouldProcess = true, DefaultParameterSetName = KeySet, HelpUri = DsnCmdlet.HelpRoot + "Add-DsnNetworkKey.md")]
    [OutputType(typeof(DsnKeyringResult))]
    public sealed class AddDsnNetworkKeyCommand : DsnKeyArgumentCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var key = GivenKey();
            if (!ShouldProcess(EveryMember(node), $"Install network key {key.Id}")) return;
            WriteResults(key.Id, $"Installing key {key.Id}", () => node.InstallNetworkKeyAsync(key, Timeout, null, Cancellation));
        }
    }
}
