using System.IO;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>New-DsnKey -Path: a new key in a file only the current user can read.</summary>
    public static class NetworkKeyFile
    {
        /// <summary>Generates a key and writes it.</summary>
        /// <param name="path">A file-system path (already resolved against the PowerShell location).</param>
        /// <param name="bits">128 or 256.</param>
        /// <param name="overwrite">Replace an existing file (-Force).</param>
        /// <exception cref="DsnCommandException">DsnKeyFileExists without <paramref name="overwrite"/>; DsnPathIsDirectory.</exception>
        public static FileInfo Create(string path, int bits, bool overwrite)
        {
            FileArgument.EnsureNotDirectory(path, "-Path", "the key file to write, for example ./net.key");
            // Checked first so the user gets the ErrorId and the hint, not a bare IOException; Save re-checks atomically.
            if (!overwrite && File.Exists(path))
                throw new DsnCommandException("DsnKeyFileExists", DsnErrorCategory.ResourceExists,
                    $"The key file '{path}' already exists. Use -Force to replace it: every node using the old key must then get the new one.", path);
            DsnNetworkKey.Generate(bits).Save(path, overwrite);
            return new FileInfo(path);
        }
    }
}
