using System;
using DistributedState.Internal;

namespace DistributedState
{
    /// <summary>
    /// The rules for the names a network uses, for callers that check input before they hand it to a node (the
    /// PowerShell module checks an allow-list file line by line, say). Each method returns null when the name is
    /// valid, else a message saying what is allowed; the node applies the very same rules.
    /// </summary>
    public static class DsnNames
    {
        /// <summary>Why <paramref name="nodeId"/> is not a NodeId (1–64 characters of A–Z, a–z, 0–9, '.', '_', '-'), or null.</summary>
        public static string? NodeIdProblem(string? nodeId) => NameRules.NodeIdProblem(nodeId);

        /// <summary>
        /// Compares NodeIds: two that differ only in case name the same node ("Web1" is "web1"), everywhere the network
        /// uses NodeIds. NodeIds keep the case their node gave them for display. State keys, by contrast, are
        /// case-sensitive.
        /// </summary>
        public static StringComparer NodeIdComparer => NameRules.NodeIdComparer;

        /// <summary>Whether two NodeIds name the same node (see <see cref="NodeIdComparer"/>).</summary>
        public static bool SameNodeId(string? a, string? b) => NameRules.SameNodeId(a, b);

        /// <summary>Why <paramref name="key"/> is not a state key (1–256 characters, no control characters, valid Unicode), or null.</summary>
        public static string? KeyProblem(string? key) => NameRules.KeyProblem(key);

        /// <summary>Why <paramref name="hex"/> is not a node's public key as <see cref="DsnNode.PublicKey"/> shows it (130 hex characters), or null.</summary>
        public static string? PublicKeyProblem(string? hex) => NameRules.PublicKeyProblem(hex);
    }
}
