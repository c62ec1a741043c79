using System.Collections;
using System.Collections.Generic;
using System.Linq;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>Completes the NodeIds of the nodes this session hosts (Get-DsnNode, Stop-DsnNode).</summary>
    public sealed class HostedNodeIdCompleter : NameCompleter
    {
        /// <inheritdoc/>
        protected override IEnumerable<string> Names(IDictionary fakeBoundParameters) => SessionNodes.Nodes.Select(n => n.NodeId);
    }
}
