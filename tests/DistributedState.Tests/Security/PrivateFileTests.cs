using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using DistributedState.Internal;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    /// <summary>
    /// Secret files on Unix: created 0600 and directories 0700 from the first instant, whatever the umask; files that
    /// others may use or that another user owns are refused on load with the command that fixes them.
    /// </summary>
    [UnsupportedOSPlatform("windows")] // every test skips itself there
    public sealed class PrivateFileTests
    {
        private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private const string UnixOnly = "Unix permission bits; on Windows the owner-only DACL is set instead (not testable on this project's Linux CI).";

        [SkippableFact]
        public void A_new_file_is_0600_before_its_first_byte_even_with_a_umask_of_000()
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            using var temp = new TempDirectory();
            var path = temp.File("secret");
            using (WithUmask(0))
            using (var stream = PrivateFile.CreateNew(path))
            {
                Assert.Equal(0, stream.Length);
                Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
            }

            // The control: with the same umask an ordinary create would have made it readable and writable by all.
            var ordinary = temp.File("ordinary");
            using (WithUmask(0))
                File.WriteAllText(ordinary, "");
            Assert.Equal((UnixFileMode)0x1B6, File.GetUnixFileMode(ordinary)); // 0666
        }

        [SkippableFact]
        public void Missing_directories_are_made_0700_each_and_existing_ones_are_left_alone_even_with_a_umask_of_000()
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            using var temp = new TempDirectory();
            File.SetUnixFileMode(temp.Path, (UnixFileMode)0x1ED); // 0755: the user's own choice, not ours to change
            var deepest = Path.Combine(temp.Path, "a", "b", "c");
            using (WithUmask(0))
                PrivateFile.CreateDirectories(deepest);
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(temp.Path, "a")));
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(temp.Path, "a", "b")));
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(deepest));
            Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(temp.Path));
        }

        [SkippableFact]
        public void A_key_saved_with_a_umask_of_000_is_0600_in_0700_directories_with_no_temporary_file_left()
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            using var temp = new TempDirectory();
            var path = Path.Combine(temp.Path, "keys", "net.key");
            var key = DsnNetworkKey.Generate();
            using (WithUmask(0))
                key.Save(path);
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!, "*", SearchOption.AllDirectories));
            Assert.Equal(key.Bytes, DsnNetworkKey.Load(path).Bytes);
        }

        [SkippableFact]
        public void Creating_refuses_an_existing_name_and_a_planted_symbolic_link_without_touching_its_target()
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            using var temp = new TempDirectory();
            var existing = temp.WriteSecret("existing", "keep");
            Assert.Contains("already exists", Assert.Throws<IOException>(() => PrivateFile.CreateNew(existing)).Message);
            Assert.Equal("keep", File.ReadAllText(existing));

            // Another user plants a link where the secret will be created, pointing at a file of theirs to be filled.
            var target = temp.File("attacker-wants-this");
            var link = temp.File("planted");
            File.CreateSymbolicLink(link, target);
            Assert.Throws<IOException>(() => PrivateFile.CreateNew(link));
            Assert.False(File.Exists(target));
        }

        [SkippableTheory]
        [InlineData(0x1A4, "0644")] // the usual default: everyone may read
        [InlineData(0x1A0, "0640")] // the group may read
        [InlineData(0x184, "0604")] // others may read
        [InlineData(0x190, "0620")] // the group may write (and so replace the secret)
        [InlineData(0x182, "0602")] // others may write
        [InlineData(0x1C8, "0710")] // the group may execute: no use to anyone, refused as ssh does
        public void Loading_a_key_file_others_may_use_is_refused_with_the_chmod_fix(int mode, string octal)
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            DsnNetworkKey.Generate().Save(path);
            File.SetUnixFileMode(path, (UnixFileMode)mode);

            var error = Assert.Throws<DsnKeyFileInsecureException>(() => DsnNetworkKey.Load(path));
            Assert.Equal(DsnKeyFileProblem.OthersHaveAccess, error.Problem);
            Assert.Equal(path, error.Path);
            Assert.Equal(mode, error.Mode);
            Assert.Equal($"chmod 600 '{path}'", error.Fix);
            Assert.Equal($"The network key file '{path}' has mode {octal}: other users may read or change it, so it is refused; "
                + $"a secret file must be mode 0600 (read and write by its owner only). Fix it with: chmod 600 '{path}'", error.Message);

            // The fix works.
            File.SetUnixFileMode(path, OwnerReadWrite);
            DsnNetworkKey.Load(path);
            File.SetUnixFileMode(path, UnixFileMode.UserRead);
            DsnNetworkKey.Load(path);
        }

        [SkippableFact]
        public void Loading_an_identity_file_others_may_read_is_refused_and_it_is_not_replaced()
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            using var temp = new TempDirectory();
            var path = temp.File("web01.identity");
            string publicKey;
            using (var created = IdentityKey.LoadOrCreate(path))
                publicKey = created.PublicKeyHex;
            File.SetUnixFileMode(path, (UnixFileMode)0x1A4);

            var error = Assert.Throws<DsnKeyFileInsecureException>(() => IdentityKey.LoadOrCreate(path));
            Assert.StartsWith($"The identity file '{path}' has mode 0644", error.Message);
            Assert.EndsWith($"Fix it with: chmod 600 '{path}'", error.Message);

            File.SetUnixFileMode(path, OwnerReadWrite);
            using var loaded = IdentityKey.LoadOrCreate(path);
            Assert.Equal(publicKey, loaded.PublicKeyHex);
        }

        [SkippableFact]
        public void Loading_a_file_another_user_owns_is_refused_even_if_its_mode_is_0600()
        {
            Skip.If(OperatingSystem.IsWindows(), UnixOnly);
            Skip.IfNot(geteuid() == 0, "Giving a file to another user needs root (chown).");
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            DsnNetworkKey.Generate().Save(path);
            const uint otherUser = 4242;
            Assert.Equal(0, chown(path, otherUser, otherUser));

            var error = Assert.Throws<DsnKeyFileInsecureException>(() => DsnNetworkKey.Load(path));
            Assert.Equal(DsnKeyFileProblem.OwnedByAnotherUser, error.Problem);
            Assert.Equal(otherUser, error.OwnerId);
            Assert.Equal($"The network key file '{path}' belongs to user id 4242, not to this process's user (id 0): that user could replace the secret, so it is refused. "
                + $"Fix it with: chown 0 '{path}' && chmod 600 '{path}' (as root), or use a file of your own", error.Message);

            Assert.Equal(0, chown(path, 0, 0));
            DsnNetworkKey.Load(path);
        }

        /// <summary>Sets the process's umask until disposed. Safe beside other tests: secret files set their own mode.</summary>
        private static IDisposable WithUmask(int mask) => new UmaskScope(umask(mask));

        private sealed class UmaskScope : IDisposable
        {
            private readonly int _previous;

            public UmaskScope(int previous) => _previous = previous;

            public void Dispose() => umask(_previous);
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int umask(int mask);

        [DllImport("libc")]
        private static extern uint geteuid();

        [DllImport("libc", SetLastError = true)]
        private static extern int chown(string path, uint owner, uint group);
    }
}
