using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DistributedState.Internal
{
    /// <summary>
    /// Where this user's private data lives: the XDG base directory rule on Unix (<c>$XDG_DATA_HOME</c>, else
    /// <c>~/.local/share</c>), the local application data folder on Windows. Never a shared temporary directory,
    /// where another user could create the file first.
    /// </summary>
    internal static class UserDataDirectory
    {
        /// <summary>The current user's data directory, or null when none is known (no HOME, for example).</summary>
        public static string? ForCurrentUser() => Resolve(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), Environment.GetEnvironmentVariable,
            () => Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData));

        /// <param name="windows">Whether the rules of Windows apply.</param>
        /// <param name="variable">Reads an environment variable.</param>
        /// <param name="localApplicationData">The Windows known folder %LOCALAPPDATA%.</param>
        public static string? Resolve(bool windows, Func<string, string?> variable, Func<string?> localApplicationData)
        {
            if (windows)
                return NonEmpty(localApplicationData());
            // The XDG specification: a relative XDG_DATA_HOME is invalid and ignored.
            if (Absolute(variable("XDG_DATA_HOME")) is { } xdg)
                return xdg;
            return Absolute(variable("HOME")) is { } home ? Path.Combine(home, ".local", "share") : null;
        }

        private static string? NonEmpty(string? path) => string.IsNullOrEmpty(path) ? null : path;

        private static string? Absolute(string? path) => NonEmpty(path) is { } p && Path.IsPathRooted(p) ? p : null;
    }
}
