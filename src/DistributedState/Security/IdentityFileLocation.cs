using System.IO;
using System.Linq;
using DistributedState.Internal;

namespace DistributedState.Security
{
    /// <summary>
    /// Where a node's identity file is when <see cref="DsnNodeOptions.IdentityPath"/> is not set:
    /// <c>&lt;user data&gt;/DistributedState/identities/&lt;nodeid&gt;.identity</c>, the NodeId lower-cased
    /// (<see cref="NameRules.NodeIdFileStem"/>) because NodeIds are equal ignoring case. Versions before that rule
    /// wrote the NodeId as given, so a file under another casing of the NodeId is moved to the lower-case name when
    /// no lower-case file exists yet; on a case-insensitive file system (Windows, macOS) it already is that file.
    /// </summary>
    internal static class IdentityFileLocation
    {
        public const string Extension = ".identity";

        /// <summary>The default identity file of <paramref name="nodeId"/> for the current user.</summary>
        /// <exception cref="DsnArgumentException">The user has no data directory (no HOME, for example).</exception>
        public static string Default(string nodeId)
        {
            var root = UserDataDirectory.ForCurrentUser() ?? throw new DsnArgumentException(DsnArgument.Option,
                "This user has no data directory for the node's identity file (on Unix HOME and XDG_DATA_HOME are unset or not absolute paths; on Windows LOCALAPPDATA is unknown). "
                + "Set IdentityPath to a file of your own (Start-DsnNode -IdentityPath), or set HOME.", nameof(DsnNodeOptions.IdentityPath));
            return InDirectory(Path.Combine(root, "DistributedState", "identities"), nodeId);
        }

        /// <summary>
        /// The identity file of <paramref name="nodeId"/> in <paramref name="directory"/>, after moving a file an
        /// older version wrote under another casing of the NodeId to the lower-case name.
        /// </summary>
        /// <exception cref="DsnArgumentException">Two or more files differ only in the NodeId's casing: which is the node's is the operator's call.</exception>
        public static string InDirectory(string directory, string nodeId)
        {
            var canonical = Path.Combine(directory, NameRules.NodeIdFileStem(nodeId) + Extension);
            if (File.Exists(canonical) || !Directory.Exists(directory))
                return canonical;

            var older = Directory.GetFiles(directory, "*" + Extension)
                .Where(file => NameRules.SameNodeId(Path.GetFileNameWithoutExtension(file), nodeId))
                .OrderBy(file => file, System.StringComparer.Ordinal)
                .ToList();
            if (older.Count > 1)
            {
                throw new DsnArgumentException(DsnArgument.Option,
                    $"The identity files {string.Join(", ", older.Select(f => "'" + f + "'"))} all belong to NodeId '{nodeId}' (NodeIds are equal ignoring case), and they hold different identities. "
                    + $"Keep the one this node should use, delete the others, and start the node again; it will then be renamed to '{canonical}'.", nameof(DsnNodeOptions.IdentityPath));
            }

            if (older.Count == 1)
            {
                try
                {
                    PrivateFile.Move(older[0], canonical, replace: false);
                }
                catch (IOException) when (File.Exists(canonical))
                {
                    // Another process moved it first.
                }
            }

            return canonical;
        }
    }
}
