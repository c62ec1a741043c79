using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Remove-DsnData: removes keys (wildcards allowed) from the node's own state; members see a versioned removal.</summary>
    [Cmdlet(VerbsCommon.Remove, "DsnData", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "Remove-DsnData.md")]
    [OutputType(typeof(DsnDataEntry))]
    public sealed class RemoveDsnDataCommand : DsnNodeCmdlet
    {
        /// <summary>The keys to remove (wildcards allowed); entries piped from Get-DsnData bind by their Key property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(OwnKeyCompleter))]
        public string[] Key { get; set; } = new string[0];

        /// <summary>Returns each removed entry as it was before removal.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override string ArgumentErrorId => "DsnKeyInvalid";

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var selected = ForCommand(Key, () => OwnState.Select(node, Key));
            WriteNotFound(selected.UnmatchedNames, key => DsnErrors.KeyNotFound(key, new[] { node.NodeId }));
            foreach (var entry in selected.Matches)
            {
                ForItem(entry.Key, () =>
                {
                    if (!ShouldProcess($"{entry.Key} on node {node.NodeId}", "Remove the key")) return;
                    if (node.RemoveData(entry.Key) && PassThru) WriteObject(entry);
                });
            }
        }
    }
}
