using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace DistributedState.Internal
{
    /// <summary>
    /// Writes and reads secrets (network keys, identity keys) so that only their owner can read or change them.
    /// Writing: directories it creates are 0700 (on Windows owner-only), the secret goes to a temporary file in the
    /// target directory that is created 0600 with O_EXCL (on Windows with an owner-only protected DACL) before its
    /// first byte, is flushed to disk and then renamed into place, so neither a crash nor another user ever sees a
    /// partial or readable secret. Reading (Unix): a file that group or others may use, or that another user owns, is
    /// refused with <see cref="DsnKeyFileInsecureException"/>. Windows files are not checked on load.
    /// </summary>
    internal static class PrivateFile
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <param name="path">The file to write.</param>
        /// <param name="contents">The secret.</param>
        /// <param name="overwrite">Replace an existing file (atomically); otherwise an existing file is an <see cref="IOException"/>.</param>
        public static void WriteAllText(string path, string contents, bool overwrite)
        {
            var bytes = Utf8.GetBytes(contents);
            WriteAllBytes(path, bytes, bytes.Length, overwrite);
        }

        /// <summary>
        /// Writes the first <paramref name="length"/> bytes of <paramref name="content"/> as the whole file, owner-only
        /// and atomically (see the class): a reader, or the next start after a crash at any moment, finds the old
        /// content or the new one, never a mix. A crash leaves at most a temporary file, <see cref="TemporaryPattern"/>.
        /// </summary>
        /// <param name="path">The file to write.</param>
        /// <param name="content">The bytes.</param>
        /// <param name="length">How many of them.</param>
        /// <param name="overwrite">Replace an existing file (atomically); otherwise an existing file is an <see cref="IOException"/>.</param>
        public static void WriteAllBytes(string path, byte[] content, int length, bool overwrite)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("A file path is required.", nameof(path));

            var full = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(directory))
                CreateDirectories(directory!);

            if (!overwrite && File.Exists(full))
                throw new IOException($"The file '{full}' already exists; refusing to overwrite it.");

            var temporary = Path.Combine(directory ?? string.Empty, TemporaryPattern(full).Replace("*", Guid.NewGuid().ToString("N")));
            try
            {
                using (var stream = CreateNew(temporary))
                {
                    stream.Write(content, 0, length);
                    stream.Flush(flushToDisk: true);
                }

                Move(temporary, full, replace: overwrite);
            }
            finally
            {
                if (File.Exists(temporary))
                    File.Delete(temporary);
            }
        }

        /// <summary>The name (a wildcard pattern, in the file's directory) of the temporary files written for <paramref name="path"/>.</summary>
        public static string TemporaryPattern(string path) => "." + Path.GetFileName(path) + ".tmp-*";

        /// <summary>
        /// Reads a secret file after checking, on Unix, that only its owner can use it and that the owner is this user
        /// (or root). The check is made on the open file, so the file read is the file checked.
        /// </summary>
        /// <param name="path">The file.</param>
        /// <param name="description">What the file is, for the error: "network key file", "identity file".</param>
        /// <exception cref="DsnKeyFileInsecureException">Group or others may read or write it, or another user owns it.</exception>
        public static string ReadAllText(string path, string description)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!IsWindows)
            {
                var (owner, mode) = UnixFiles.OwnerAndMode(stream.SafeFileHandle, path);
                var user = UnixFiles.EffectiveUserId();
                if (SecretFileRules.Problem(mode, owner, user) is { } problem)
                {
                    var full = Path.GetFullPath(path);
                    throw new DsnKeyFileInsecureException(full, description, problem, mode, owner, user, SecretFileRules.Fix(problem, full, user));
                }
            }

            using var reader = new StreamReader(stream, Utf8);
            return reader.ReadToEnd();
        }

        /// <summary>
        /// Creates <paramref name="path"/>, which must not exist, private to the current user from its first instant:
        /// mode 0600 on Unix, whatever the umask (it can only remove bits), an owner-only DACL on Windows.
        /// </summary>
        internal static FileStream CreateNew(string path) => IsWindows ? WindowsFiles.CreateNew(path) : UnixFiles.CreateNew(path, UnixFiles.OwnerReadWrite);

        /// <summary>
        /// Creates the missing directories of <paramref name="directory"/>, each 0700 (on Windows owner-only) as it is
        /// made; directories that already exist are left as they are: they are the user's choice.
        /// </summary>
        internal static void CreateDirectories(string directory)
        {
            var full = Path.GetFullPath(directory);
            if (Directory.Exists(full))
                return;
            var parent = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(parent))
                CreateDirectories(parent!);
            // false: another process made it meanwhile, which is as good.
            _ = IsWindows ? WindowsFiles.CreateDirectory(full) : UnixFiles.CreateDirectory(full, UnixFiles.OwnerOnlyDirectory);
        }

        /// <summary>
        /// Moves a file. Replacing is one atomic rename. Not replacing must be atomic too (two processes creating the
        /// same identity at once must agree on one): Unix's rename replaces silently, so there a hard link does it (it
        /// fails if the name exists) and the old name is removed after; Windows' move refuses an existing name.
        /// </summary>
        /// <exception cref="IOException">The destination exists and <paramref name="replace"/> is false, or the move failed.</exception>
        internal static void Move(string source, string destination, bool replace)
        {
            if (IsWindows)
            {
                WindowsFiles.Move(source, destination, replace);
                return;
            }

            if (replace)
            {
                UnixFiles.Rename(source, destination);
                return;
            }

            var errno = UnixFiles.Link(source, destination);
            if (errno != 0)
            {
                throw new IOException(errno == UnixFiles.AlreadyExists
                    ? $"The file '{destination}' already exists; refusing to overwrite it."
                    : $"Could not create '{destination}' (link failed with errno {errno}).");
            }

            File.Delete(source);
        }
    }
}
