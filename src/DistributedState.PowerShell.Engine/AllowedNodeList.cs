using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The allow-list of pinned nodes for Start-DsnNode: NodeId → identity public key (hex), from a hashtable
    /// (-AllowedNodes) and from a file (-AllowedNodesPath). The file format is one node per line, its NodeId and its
    /// public key separated by spaces or tabs; blank lines and everything after '#' are ignored:
    /// <code>
    /// # NodeId  PublicKey (Get-DsnPeer | ForEach-Object { "$($_.NodeId) $($_.PublicKey)" })
    /// web01     04a1...
    /// </code>
    /// The runtime checks the final list again; the checks here exist to name the line or entry that is wrong.
    /// </summary>
    public static class AllowedNodeList
    {
        private const string ErrorId = "DsnAllowedNodesInvalid";
        private static readonly char[] Blanks = { ' ', '\t' };

        /// <summary>Converts the -AllowedNodes hashtable.</summary>
        /// <param name="table">NodeId → public key hex.</param>
        /// <param name="unwrap">Removes the host's wrapper (PowerShell's PSObject) from a key or value; identity when null.</param>
        /// <exception cref="DsnCommandException">DsnAllowedNodesInvalid, naming the entry.</exception>
        public static IReadOnlyDictionary<string, string> FromDictionary(IDictionary table, Func<object?, object?>? unwrap = null)
        {
            if (table is null) throw new ArgumentNullException(nameof(table));
            var list = new Dictionary<string, string>(DsnNames.NodeIdComparer);
            foreach (DictionaryEntry entry in table)
            {
                var nodeId = (unwrap is null ? entry.Key : unwrap(entry.Key)) as string;
                var key = (unwrap is null ? entry.Value : unwrap(entry.Value)) as string;
                if (string.IsNullOrWhiteSpace(nodeId))
                    throw Invalid($"-AllowedNodes: every key must be a NodeId; '{entry.Key}' is not.", entry.Key);
                Add(list, nodeId!.Trim(), key, $"-AllowedNodes entry '{nodeId}'");
            }

            return list;
        }

        /// <summary>Reads an allow-list file (see the class summary for the format).</summary>
        /// <param name="path">A file-system path (already resolved against the PowerShell location).</param>
        /// <exception cref="DsnCommandException">DsnAllowedNodesInvalid naming the file and line; DsnPathIsDirectory.</exception>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        public static IReadOnlyDictionary<string, string> Load(string path)
        {
            FileArgument.EnsureNotDirectory(path, "-AllowedNodesPath", "the allow-list file (one 'NodeId PublicKey' per line)");
            var list = new Dictionary<string, string>(DsnNames.NodeIdComparer);
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                var text = StripComment(lines[i]).Trim();
                if (text.Length == 0) continue;
                var where = $"{path}, line {i + 1}";
                var fields = text.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length != 2)
                    throw Invalid($"{where}: expected a NodeId and its public key separated by spaces, for example 'web01 04a1…'; found {fields.Length} field(s).", path);
                Add(list, fields[0], fields[1], where);
            }

            return list;
        }

        /// <summary>Both lists together; a NodeId in both must have the same key.</summary>
        /// <exception cref="DsnCommandException">DsnAllowedNodesInvalid, naming the NodeId pinned to two keys.</exception>
        public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
        {
            var merged = new Dictionary<string, string>(DsnNames.NodeIdComparer);
            foreach (var pair in first.Concat(second))
                Add(merged, pair.Key, pair.Value, $"-AllowedNodes and -AllowedNodesPath for '{pair.Key}'");
            return merged;
        }

        private static void Add(Dictionary<string, string> list, string nodeId, string? key, string where)
        {
            if (DsnNames.NodeIdProblem(nodeId) is { } idProblem)
                throw Invalid($"{where}: {idProblem}", nodeId);
            if (DsnNames.PublicKeyProblem(key) is { } keyProblem)
                throw Invalid($"{where}: {keyProblem}", nodeId);
            var normalized = key!.Trim().ToLowerInvariant();
            if (list.TryGetValue(nodeId, out var existing) && existing != normalized)
                throw Invalid($"{where}: '{nodeId}' is pinned to two different public keys.", nodeId);
            list[nodeId] = normalized;
        }

        private static string StripComment(string line)
        {
            var hash = line.IndexOf('#');
            return hash < 0 ? line : line.Substring(0, hash);
        }

        private static DsnCommandException Invalid(string message, object? target) =>
            new DsnCommandException(ErrorId, DsnErrorCategory.InvalidData, message, target);
    }
}
