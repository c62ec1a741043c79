using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DistributedState.Internal
{
    /// <summary>
    /// Writes secrets (network keys, identity keys) so that only the current user can read them.
    /// On Unix the file is created with mode 0600 before any secret byte is written; on Windows the
    /// default per-user profile ACLs apply.
    /// </summary>
    internal static class PrivateFile
    {
        private const int OwnerReadWrite = 0x180; // octal 0600
        private const int AlreadyExists = 17; // EEXIST on Linux and macOS

        public static void WriteAllText(string path, string contents, bool overwrite)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("A file path is required.", nameof(path));

            var full = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(directory))
                Directory.CreateDirectory(directory);

            if (!overwrite && File.Exists(full))
                throw new IOException($"The file '{full}' already exists; refusing to overwrite it.");

            // Write to a private temporary file, then move it into place, so a crash never leaves a
            // half-written secret and the secret is never readable by others, not even briefly.
            var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    RestrictToOwner(temporary);
                    var bytes = new System.Text.UTF8Encoding(false).GetBytes(contents);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                if (overwrite)
                {
                    if (File.Exists(full))
                        File.Delete(full);
                    File.Move(temporary, full);
                }
                else
                {
                    PublishExclusively(temporary, full);
                }
            }
            finally
            {
                if (File.Exists(temporary))
                    File.Delete(temporary);
            }
        }

        /// <summary>
        /// Puts the finished file at <paramref name="full"/> only if nothing is there, atomically: two processes
        /// creating the same identity at once must agree on one. Unix's rename replaces silently, so there a hard
        /// link does it (it fails if the name exists); Windows' move already refuses an existing name.
        /// </summary>
        private static void PublishExclusively(string temporary, string full)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                File.Move(temporary, full);
                return;
            }

            if (link(temporary, full) != 0)
            {
                var errno = Marshal.GetLastWin32Error();
                throw new IOException(errno == AlreadyExists
                    ? $"The file '{full}' already exists; refusing to overwrite it."
                    : $"Could not create '{full}' (link failed with errno {errno}).");
            }
        }

        private static void RestrictToOwner(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return;
            if (chmod(path, OwnerReadWrite) != 0)
                throw new IOException($"Could not restrict '{path}' to its owner (chmod 600 failed with errno {Marshal.GetLastWin32Error()}).");
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int link(string existing, string newPath);
    }
}
