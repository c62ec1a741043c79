using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DistributedState.Internal;

namespace DistributedState
{
    /// <summary>
    /// The network keys a node holds: it dials with the <see cref="Primary"/> and admits a peer that dials with any of
    /// them, so a network changes its key without downtime (install the new key everywhere, make it primary everywhere,
    /// remove the old one). Immutable: the operations return a new ring. A key file holds a ring (docs/protocol.md,
    /// "Key files"); a file of one bare key, as <c>New-DsnKey</c> writes, is a ring of that key alone.
    /// </summary>
    public sealed class DsnNetworkKeyring
    {
        /// <summary>Most keys one ring holds: a responder tries each in turn, so the ring is kept small.</summary>
        public const int MaxKeys = 16;

        /// <summary>The first line of a keyring file of this format.</summary>
        internal const string FileHeader = "dsn-keyring 1";

        private const string HeaderWord = "dsn-keyring";
        private readonly DsnNetworkKey[] _keys;

        /// <summary>Creates a ring of a primary key and further accepted keys (duplicates of a key are dropped).</summary>
        /// <exception cref="ArgumentNullException">A key is null.</exception>
        /// <exception cref="DsnKeyringException">More than <see cref="MaxKeys"/> distinct keys.</exception>
        public DsnNetworkKeyring(DsnNetworkKey primary, IEnumerable<DsnNetworkKey>? others = null)
        {
            if (primary is null)
                throw new ArgumentNullException(nameof(primary));
            var keys = new List<DsnNetworkKey> { primary };
            foreach (var key in others ?? Enumerable.Empty<DsnNetworkKey>())
            {
                if (key is null)
                    throw new ArgumentNullException(nameof(others), "The keyring's list of keys contains a null key.");
                if (!keys.Any(k => k.Id == key.Id))
                    keys.Add(key);
            }

            if (keys.Count > MaxKeys)
                throw new DsnKeyringException(DsnKeyringProblem.Full, keys[MaxKeys].Id,
                    $"A keyring holds at most {MaxKeys} keys; remove a key no longer in use first.");
            _keys = keys.ToArray();
        }

        /// <summary>The key this node dials with and seals discovery beacons with.</summary>
        public DsnNetworkKey Primary => _keys[0];

        /// <summary>Every key held, the primary first.</summary>
        public IReadOnlyList<DsnNetworkKey> Keys => _keys;

        /// <summary>The key with this <see cref="DsnNetworkKey.Id"/> (any case), or null.</summary>
        public DsnNetworkKey? Find(string keyId) => _keys.FirstOrDefault(k => string.Equals(k.Id, keyId, StringComparison.OrdinalIgnoreCase));

        /// <summary>The ring with <paramref name="key"/> added (the same ring when it already holds it).</summary>
        /// <exception cref="DsnKeyringException">The ring is full.</exception>
        public DsnNetworkKeyring WithKey(DsnNetworkKey key) =>
            Find((key ?? throw new ArgumentNullException(nameof(key))).Id) is null ? new DsnNetworkKeyring(Primary, _keys.Skip(1).Concat(new[] { key })) : this;

        /// <summary>The ring with the key of this id as primary; the former primary stays accepted.</summary>
        /// <exception cref="DsnKeyringException">The ring does not hold such a key.</exception>
        public DsnNetworkKeyring WithPrimary(string keyId)
        {
            var key = Find(keyId) ?? throw new DsnKeyringException(DsnKeyringProblem.UnknownKey, keyId,
                $"The keyring holds no key with id '{keyId}': install the key on every member first (Add-DsnNetworkKey).");
            return new DsnNetworkKeyring(key, _keys.Where(k => k.Id != key.Id));
        }

        /// <summary>The ring without the key of this id (the same ring when it does not hold it).</summary>
        /// <exception cref="DsnKeyringException">The key is the primary: make another key primary first.</exception>
        public DsnNetworkKeyring WithoutKey(string keyId)
        {
            var key = Find(keyId);
            if (key is null)
                return this;
            if (key.Id == Primary.Id)
                throw new DsnKeyringException(DsnKeyringProblem.PrimaryKey, keyId,
                    $"The key '{key.Id}' is the primary key, which this node dials with: make another key primary first (Set-DsnPrimaryNetworkKey).");
            return new DsnNetworkKeyring(Primary, _keys.Skip(1).Where(k => k.Id != key.Id));
        }

        /// <summary>
        /// Reads a key file: a keyring file (<see cref="ToFileText"/>), or a file holding one bare key as
        /// <see cref="DsnNetworkKey.Save"/> and <c>New-DsnKey</c> write it.
        /// </summary>
        /// <exception cref="ArgumentException">The file holds no valid key or keyring.</exception>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="DsnKeyFileInsecureException">On Unix, others may use the file or another user owns it (the message gives the fix).</exception>
        public static DsnNetworkKeyring Load(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("A key file path is required.", nameof(path));
            var text = PrivateFile.ReadAllText(path, "network key file");
            var ring = Parse(text, out var error);
            return ring ?? throw new ArgumentException($"The key file '{path}' is not valid: {error}", nameof(path));
        }

        /// <summary>Parses the text of a key file; see <see cref="Load"/>.</summary>
        /// <exception cref="ArgumentException">The text holds no valid key or keyring.</exception>
        public static DsnNetworkKeyring Parse(string text) =>
            Parse(text, out var error) ?? throw new ArgumentException(error, nameof(text));

        private static DsnNetworkKeyring? Parse(string? text, out string error)
        {
            var lines = (text ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
            if (lines.Count == 0)
            {
                error = "it holds no key.";
                return null;
            }

            if (!lines[0].StartsWith(HeaderWord, StringComparison.Ordinal))
            {
                // The format before keyrings: one bare key.
                if (lines.Count > 1)
                {
                    error = $"it holds {lines.Count} lines but no '{FileHeader}' header (a file of one bare key, or a keyring file, is expected).";
                    return null;
                }

                var single = DsnNetworkKey.ParseOrExplain(lines[0], out error);
                return single is null ? null : new DsnNetworkKeyring(single);
            }

            if (lines[0] != FileHeader)
            {
                error = $"its header '{lines[0]}' is not '{FileHeader}': it was written by a newer release, or edited by hand.";
                return null;
            }

            return ParseEntries(lines.Skip(1).ToList(), out error);
        }

        private static DsnNetworkKeyring? ParseEntries(IReadOnlyList<string> lines, out string error)
        {
            DsnNetworkKey? primary = null;
            var others = new List<DsnNetworkKey>();
            foreach (var line in lines)
            {
                var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                var isPrimary = parts.Length == 2 && parts[0] == "primary";
                if (parts.Length != 2 || (!isPrimary && parts[0] != "key"))
                {
                    error = "each line after the header is 'primary <key>' or 'key <key>'.";
                    return null;
                }

                var key = DsnNetworkKey.ParseOrExplain(parts[1], out error);
                if (key is null)
                    return null;
                if (isPrimary && primary is not null)
                {
                    error = "it names more than one primary key.";
                    return null;
                }

                if (isPrimary)
                    primary = key;
                else
                    others.Add(key);
            }

            if (primary is null)
            {
                error = "it names no primary key (a line 'primary <key>').";
                return null;
            }

            if (others.Count + 1 > MaxKeys)
            {
                error = $"it holds {others.Count + 1} keys; a keyring holds at most {MaxKeys}.";
                return null;
            }

            error = string.Empty;
            return new DsnNetworkKeyring(primary, others);
        }

        /// <summary>The text of a keyring file: the header, then the primary, then each further key, one a line.</summary>
        public string ToFileText()
        {
            var text = new StringBuilder();
            text.Append(FileHeader).Append('\n');
            text.Append("# The primary key dials and seals beacons; every key listed is accepted. Keep this file private.\n");
            text.Append("primary ").Append(Primary).Append('\n');
            foreach (var key in _keys.Skip(1))
                text.Append("key ").Append(key).Append('\n');
            return text.ToString();
        }

        /// <summary>Writes the ring to a file readable only by the current user, replacing it atomically when it exists.</summary>
        /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or it cannot be written.</exception>
        public void Save(string path, bool overwrite = false) => PrivateFile.WriteAllText(path, ToFileText(), overwrite);

        /// <summary>The key ids, the primary first: "primary-id (+ n more)".</summary>
        public override string ToString() => _keys.Length == 1 ? Primary.Id : $"{Primary.Id} (+{_keys.Length - 1} more)";
    }
}
