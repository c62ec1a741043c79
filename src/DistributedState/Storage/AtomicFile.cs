using System.IO;
using DistributedState.Internal;

namespace DistributedState.Storage
{
    /// <summary>
    /// The data directory's files are replaced whole, as secrets are (<see cref="PrivateFile"/>): owner-only from
    /// creation, through a temporary file in the same directory that is flushed to the disk and renamed over the old
    /// one, so a reader or the next start after a crash finds the old content or the new, never a mix. A crash leaves
    /// at most a temporary file behind, which <see cref="RemoveLeftovers"/> deletes at the next start.
    /// </summary>
    internal static class AtomicFile
    {
        /// <summary>Writes <paramref name="length"/> bytes of <paramref name="content"/> as the new content of <paramref name="path"/>.</summary>
        public static void Replace(string path, byte[] content, int length) => PrivateFile.WriteAllBytes(path, content, length, overwrite: true);

        /// <summary>Deletes temporary files that a crash left beside <paramref name="path"/>.</summary>
        public static void RemoveLeftovers(string path)
        {
            var directory = Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
                return;
            foreach (var leftover in Directory.GetFiles(directory, PrivateFile.TemporaryPattern(path)))
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
