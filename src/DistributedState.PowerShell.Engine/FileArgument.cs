using System.IO;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Checks of path parameters that name a file. Without them a directory shows up as "access denied" (that is what
    /// the operating system says when a directory is opened as a file), which sends users after permissions.
    /// </summary>
    public static class FileArgument
    {
        /// <summary>Fails when <paramref name="path"/> is an existing directory.</summary>
        /// <param name="path">The resolved file-system path.</param>
        /// <param name="parameter">The parameter, for example "-KeyPath".</param>
        /// <param name="expected">What the path should name, for example "a key file made by New-DsnKey -Path".</param>
        /// <exception cref="DsnCommandException">DsnPathIsDirectory.</exception>
        public static void EnsureNotDirectory(string path, string parameter, string expected)
        {
            if (Directory.Exists(path))
                throw new DsnCommandException("DsnPathIsDirectory", DsnErrorCategory.InvalidArgument,
                    $"{parameter} '{path}' is a directory; give the path of {expected}.", path);
        }
    }
}
