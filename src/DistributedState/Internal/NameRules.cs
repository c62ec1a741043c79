using System;
using System.Text;

namespace DistributedState.Internal
{
    /// <summary>
    /// What a NodeId, a key and a value may be. Used for the local API (which throws) and for everything received
    /// from the network (which is dropped), so both sides of the wire hold the same rules.
    /// </summary>
    internal static class NameRules
    {
        public const int MaxNodeIdLength = 64;
        public const int MaxKeyLength = 256;
        private const int IdentityKeyLength = 65; // Security.IdentityKey.PublicKeyLength: this layer sits below Security
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <summary>
        /// The one rule for NodeId equality, on the wire, in tables, in file names and in PowerShell: NodeIds are ASCII
        /// and case-preserving, and two that differ only in case name the same node. Host names work that way, and so
        /// do the file systems of Windows and macOS, where "Web1.identity" and "web1.identity" are one file.
        /// </summary>
        public static readonly StringComparer NodeIdComparer = StringComparer.OrdinalIgnoreCase;

        /// <summary>Whether two NodeIds name the same node (<see cref="NodeIdComparer"/>).</summary>
        public static bool SameNodeId(string? a, string? b) => NodeIdComparer.Equals(a, b);

        /// <summary>
        /// The form of a NodeId in file names: lower case, so that "Web01" and "web01" name one file on every file
        /// system (NodeIds are ASCII, so lower-casing is exact and agrees with <see cref="NodeIdComparer"/>).
        /// </summary>
        public static string NodeIdFileStem(string nodeId) => nodeId.ToLowerInvariant();

        /// <summary>Null when valid, otherwise what is wrong and what is allowed.</summary>
        public static string? NodeIdProblem(string? nodeId)
        {
            if (string.IsNullOrEmpty(nodeId))
                return "A NodeId is required: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.";
            if (nodeId!.Length > MaxNodeIdLength)
                return $"The NodeId '{Sanitize(nodeId.Substring(0, 20))}…' has {nodeId.Length} characters; a NodeId is 1 to {MaxNodeIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'.";
            foreach (var c in nodeId)
            {
                if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '.' && c != '_' && c != '-')
                    return $"The NodeId '{Sanitize(nodeId)}' contains '{Printable(c)}'; only A-Z, a-z, 0-9, '.', '_' and '-' are allowed.";
            }

            return null;
        }

        public static string? KeyProblem(string? key)
        {
            if (string.IsNullOrEmpty(key))
                return "A key is required: 1 to 256 characters without control characters.";
            if (key!.Length > MaxKeyLength)
                return $"The key has {key.Length} characters; at most {MaxKeyLength} are allowed.";
            foreach (var c in key)
            {
                if (char.IsControl(c))
                    return $"The key '{Sanitize(key)}' contains the control character U+{(int)c:X4}; keys may not contain control characters.";
            }

            return IsWellFormed(key) ? null : "The key contains an unpaired UTF-16 surrogate; keys must be valid Unicode text.";
        }

        public static string? ValueProblem(string? value, int maxValueBytes)
        {
            if (value is null)
                return "A value is required (use an empty string for an empty value, or remove the key).";
            if (!IsWellFormed(value))
                return "The value contains an unpaired UTF-16 surrogate; values must be valid Unicode text.";
            var bytes = StrictUtf8.GetByteCount(value);
            if (bytes > maxValueBytes)
                return $"The value is {bytes} UTF-8 bytes; at most {maxValueBytes} are allowed (DsnNodeOptions.MaxValueBytes).";
            return null;
        }

        /// <summary>Why the text is not a node's hex public key (an uncompressed P-256 point: 65 bytes, 130 hex characters), or null.</summary>
        public static string? PublicKeyProblem(string? hex)
        {
            var text = hex?.Trim();
            if (text is null || text.Length != 2 * IdentityKeyLength || !Hex.TryDecode(text, out _))
                return $"A public key is the node's {2 * IdentityKeyLength}-character hex public key (its PublicKey property, as Get-DsnPeer shows it).";
            return null;
        }

        /// <summary>A value's size in UTF-8 bytes (an unpaired surrogate counts as a replacement character); 0 for null.</summary>
        public static int ValueBytes(string? value) => value is null ? 0 : Encoding.UTF8.GetByteCount(value);

        private static bool IsWellFormed(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]))
                {
                    if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                        return false;
                    i++;
                }
                else if (char.IsLowSurrogate(text[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();

        /// <summary>
        /// Text from the network made safe to show: control characters (a newline, an ANSI escape) become '?', and
        /// only the first 40 characters are kept.
        /// </summary>
        public static string Sanitize(string text)
        {
            var builder = new StringBuilder();
            foreach (var c in text.Length > 40 ? text.Substring(0, 40) : text)
                builder.Append(char.IsControl(c) ? '?' : c);
            return builder.ToString();
        }
    }
}
