using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// One counter of a node's statistics (<see cref="DsnNode.GetStatistics"/>), as Get-DsnNode -Statistics writes
    /// it: one object per counter rather than one per node, because the counter names are open-ended (a counter
    /// appears when it first moves), and rows pipe to Where-Object, Group-Object and Export-Csv as they are.
    /// </summary>
    public sealed class DsnNodeCounter
    {
        internal DsnNodeCounter(string nodeId, string name, long value)
        {
            NodeId = nodeId;
            Name = name;
            Value = value;
        }

        /// <summary>The node the counter belongs to.</summary>
        public string NodeId { get; }

        /// <summary>The counter's stable name, for example <c>frames.received</c> (see docs/protocol.md).</summary>
        public string Name { get; }

        /// <summary>The count since the node started.</summary>
        public long Value { get; }

        /// <summary>A node's counters, ordered by name.</summary>
        public static IReadOnlyList<DsnNodeCounter> Of(DsnNode node)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            return node.GetStatistics().Counters
                .OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new DsnNodeCounter(node.NodeId, c.Key, c.Value))
                .ToList();
        }

        /// <inheritdoc/>
        public override string ToString() => $"{NodeId} {Name} = {Value}";
    }
}
