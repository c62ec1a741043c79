using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell
{
    /// <summary>Completes the keys of the node's own state (Set-DsnData, Remove-DsnData).</summary>
    public sealed class OwnKeyCompleter : NameCompleter
    {
        /// <inheritdoc/>
        protected override IEnumerable<string> Names(IDictionary fakeBoundParameters)
        {
            var node = ViewingNode(fakeBoundParameters);
            return node is null ? Enumerable.Empty<string>() : node.GetEntries(node.NodeId).Select(e => e.Key);
        }
    }
}
