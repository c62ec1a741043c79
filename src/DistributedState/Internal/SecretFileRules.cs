namespace DistributedState.Internal
{
    /// <summary>
    /// When a secret file (network key, identity) is safe to load on Unix, and the command that makes it so: the rule
    /// of ssh for private keys. Pure, so every case is tested without creating files as other users.
    /// </summary>
    internal static class SecretFileRules
    {
        private const int GroupAndOtherBits = 0x3F; // 077: any read, write or execute permission beyond the owner's
        private const uint Root = 0;

        /// <summary>
        /// Null when the file may be loaded: owned by this user or by root (who can change any file anyway), and no
        /// permission for group or others. Ownership is checked first: another user's file cannot be fixed by chmod.
        /// </summary>
        public static DsnKeyFileProblem? Problem(int mode, uint owner, uint user)
        {
            if (owner != user && owner != Root)
                return DsnKeyFileProblem.OwnedByAnotherUser;
            if ((mode & GroupAndOtherBits) != 0)
                return DsnKeyFileProblem.OthersHaveAccess;
            return null;
        }

        /// <summary>The shell command that fixes <paramref name="problem"/> for the file at <paramref name="path"/>.</summary>
        public static string Fix(DsnKeyFileProblem problem, string path, uint user)
        {
            var quoted = ShellQuote(path);
            return problem == DsnKeyFileProblem.OwnedByAnotherUser
                ? $"chown {user} {quoted} && chmod 600 {quoted} (as root), or use a file of your own"
                : $"chmod 600 {quoted}";
        }

        /// <summary>Quotes a path for a POSIX shell: inside single quotes nothing is special but the quote itself.</summary>
        public static string ShellQuote(string path) => "'" + path.Replace("'", "'\\''") + "'";
    }
}
