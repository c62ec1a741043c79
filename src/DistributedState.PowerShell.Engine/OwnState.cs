using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>Set-DsnData and Remove-DsnData on the node's own state.</summary>
    public static class OwnState
    {
        /// <summary>
        /// Writes the pairs: one pair with the single-key call (its errors name the key or the value), several as one
        /// batch (all or none, delivered together).
        /// </summary>
        public static void Set(DsnNode node, IReadOnlyList<KeyValuePair<string, string>> pairs)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            if (pairs.Count == 1) node.SetData(pairs[0].Key, pairs[0].Value);
            else if (pairs.Count > 1) node.SetData(pairs);
        }

        /// <summary>The node's own entries for the given keys, as stored now (what -PassThru returns).</summary>
        public static IReadOnlyList<DsnDataEntry> Entries(DsnNode node, IEnumerable<string> keys)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var wanted = new HashSet<string>(keys, StringComparer.Ordinal);
            return node.GetEntries(node.NodeId).Where(e => wanted.Contains(e.Key)).ToList();
        }

        /// <summary>The node's own entries whose keys match the patterns, and literal keys it does not have.</summary>
        public static NameFilterResult<DsnDataEntry> Select(DsnNode node, IEnumerable<string> keyPatterns)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            return NameFilter.Apply(node.GetEntries(node.NodeId), keyPatterns, e => e.Key);
        }
    }
}
