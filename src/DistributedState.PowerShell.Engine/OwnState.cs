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
        /// batch (all or none, delivered together). <paramref name="timeToLive"/>: their lease; null: the node's default.
        /// </summary>
        public static void Set(DsnNode node, IReadOnlyList<KeyValuePair<string, string>> pairs, TimeSpan? timeToLive = null)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            if (pairs.Count == 0) return;
            if (timeToLive is { } lease) node.SetData(pairs, lease);
            else if (pairs.Count == 1) node.SetData(pairs[0].Key, pairs[0].Value);
            else node.SetData(pairs);
        }

        /// <summary>The node's own entries for the given keys, as stored now (what -PassThru returns), each a direct lookup.</summary>
        public static IReadOnlyList<DsnDataEntry> Entries(DsnNode node, IEnumerable<string> keys)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            if (keys is null) throw new ArgumentNullException(nameof(keys));
            return keys.Distinct(StringComparer.Ordinal)
                .Select(key => node.GetEntry(node.NodeId, key))
                .Where(e => e is not null)
                .Select(e => e!)
                .OrderBy(e => e.Key, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>The node's own entries whose keys match the patterns (a literal key is a direct lookup), and literal keys it does not have.</summary>
        public static NameFilterResult<DsnDataEntry> Select(DsnNode node, IEnumerable<string> keyPatterns)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            return KeySelection.Select(new[] { node.NodeId }, keyPatterns, node.GetEntries, node.GetEntry);
        }
    }
}
