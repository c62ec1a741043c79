using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell
{
    /// <summary>Completes the NodeIds of the members the viewing node knows (Get-DsnData, Get-DsnPeer, Send-DsnData, waits).</summary>
    public sealed class MemberNodeIdCompleter : NameCompleter
    {
        /// <inheritdoc/>
        protected override IEnumerable<string> Names(IDictionary fakeBoundParameters) =>
            ViewingNode(fakeBoundParameters)?.GetPeers().Select(p => p.NodeId) ?? Enumerable.Empty<string>();
    }
}
