using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Get-DsnData: reads state from the node's local copy (no network): one object per entry with NodeId, Key, Value,
    /// Version, the owner's Status, LastChange, Age, lease and LastHeard, or one member's state as a hashtable; -MaxAge
    /// keeps only fresh values.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DsnData", HelpUri = DsnCmdlet.HelpRoot + "Get-DsnData.md")]
    [OutputType(typeof(DsnDataEntry))]
    [OutputType(typeof(Hashtable))]
    public sealed class GetDsnDataCommand : DsnNodeCmdlet
    {
        /// <summary>Members to read (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[]? NodeId { get; set; }

        /// <summary>Keys to read (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberKeyCompleter))]
        public string[]? Key { get; set; }

        /// <summary>Only values the owner wrote at most this long ago (fresh readings); a number is seconds.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? MaxAge { get; set; }

        /// <summary>Returns one member's state as a hashtable of key to value (without -NodeId: the node's own state).</summary>
        [Parameter]
        public SwitchParameter AsHashtable { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var maxAge = MaxAge;
            ForCommand(maxAge, () => DataSelection.FreshOnly(Array.Empty<DsnDataEntry>(), maxAge)); // a bad -MaxAge fails the command
            var patterns = DataSelection.NodePatterns(NodeId, AsHashtable, node.NodeId);
            var selected = ForCommand(NodeId, () => DataSelection.Select(node.GetPeers().Select(p => p.NodeId), node.GetEntries, node.GetEntry, patterns, Key));
            WriteNotFound(selected.UnmatchedNodeIds, id => DsnErrors.MemberNotFound(id, node.NodeId));
            WriteNotFound(selected.UnmatchedKeys, key => DsnErrors.KeyNotFound(key, selected.Members));
            var fresh = DataSelection.FreshOnly(selected.Entries, maxAge);
            if (AsHashtable)
            {
                var table = ForCommand(NodeId, () => DataSelection.SingleHashtable(selected, fresh));
                if (table is not null) WriteObject(table);
                return;
            }

            WriteObject(fresh, enumerateCollection: true);
        }
    }
}
