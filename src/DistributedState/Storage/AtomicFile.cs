using System;
using System.IO;

namespace DistributedState.Storage
{
    /// <summary>
    /// Replaces a whole file so that a reader, or the next start after a crash at any moment, finds either the old
    /// content or the new one, never a mix: the bytes go to a temporary file in the same directory, are flushed to the
    /// disk (fsync), and the temporary file is then renamed over the old one (an atomic replace on every file system we
    /// run on: <c>rename(2)</c> on Unix, <c>ReplaceFile</c> on Windows). A crash leaves at most a temporary file behind,
    /// which <see cref="RemoveLeftovers"/> deletes at the next start.
    /// </summary>
    internal static class AtomicFile
    {
        private const string TemporaryMarker = ".tmp-";

        /// <summary>Writes <paramref name="length"/> bytes of <paramref name="content"/> as the new content of <paramref name="path"/>.</summary>
        public static void Replace(string path, byte[] content, int length)
        {
            var temporary = path + TemporaryMarker + Guid.NewGuid().ToString("N");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    stream.Write(content, 0, length);
                    stream.Flush(flushToDisk: true);
                }

                if (File.Exists(path))
                    File.Replace(temporary, path, destinationBackupFileName: null, ignoreMetadataErrors: true);
                else
                    File.Move(temporary, path);
            }
            finally
            {
                if (File.Exists(temporary))
                    File.Delete(temporary);
            }
        }

        /// <summary>Deletes temporary files that a crash left beside <paramref name="path"/>.</summary>
        public static void RemoveLeftovers(string path)
        {
            var directory = Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
                return;
            foreach (var leftover in Directory.GetFiles(directory, Path.GetFileName(path) + TemporaryMarker + "*"))
            {
                try
                {
                    File.Delete(leftover);
                }
                catch (IOException)
                {
                    // Another process may hold it; it is never read, so it does no harm.
                }
            }
        }
    }
}
