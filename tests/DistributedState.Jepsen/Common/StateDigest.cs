using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace DistributedState.Jepsen.Common
{
    /// <summary>
    /// Short hashes of state, so a node can report what it holds in one line and the controller can compare it with
    /// what the owners acknowledged without shipping every value.
    /// </summary>
    internal static class StateDigest
    {
        /// <summary>The hash of one owner's keys and values (no versions): what the controller expects from acks.</summary>
        public static string OfValues(IEnumerable<KeyValuePair<string, string>> state) =>
            Hash(state.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "\u0000" + e.Value));

        /// <summary>The hash of every owner's entries with their versions: identical on two nodes only if they agree exactly.</summary>
        public static string OfEntries(IEnumerable<(string Owner, string Key, string Value, long Version)> entries) =>
            Hash(entries.OrderBy(e => e.Owner, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => $"{e.Owner}\u0000{e.Key}\u0000{e.Value}\u0000{e.Version}"));

        private static string Hash(IEnumerable<string> lines)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var line in lines)
            {
                sha.AppendData(Encoding.UTF8.GetBytes(line));
                sha.AppendData(new byte[] { (byte)'\n' });
            }

            return Convert.ToHexString(sha.GetHashAndReset(), 0, 8).ToLowerInvariant();
        }
    }
}
