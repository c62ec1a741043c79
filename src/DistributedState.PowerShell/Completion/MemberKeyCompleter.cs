using System.Collections;
using System.Collections.Generic;
using System.Linq;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Completes keys of the members named by the -NodeId already typed, or of every member (Get-DsnData, Wait-DsnData).</summary>
    public sealed class MemberKeyCompleter : NameCompleter
    {
        /// <inheritdoc/>
        protected override IEnumerable<string> Names(IDictionary fakeBoundParameters)
        {
            var node = ViewingNode(fakeBoundParameters);
            if (node is null) return Enumerable.Empty<string>();
            var members = CompletionCandidates.Strings(fakeBoundParameters["NodeId"]);
            return DataSelection.Select(node.GetPeers().Select(p => p.NodeId), node.GetEntries, node.GetEntry, members, null).Entries.Select(e => e.Key);
        }
    }
}
