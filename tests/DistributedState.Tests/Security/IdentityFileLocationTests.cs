using System.IO;
using System.Linq;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    /// <summary>One NodeId rule for file names: NodeIds are equal ignoring case, so one lower-case file per NodeId.</summary>
    public sealed class IdentityFileLocationTests
    {
        [Fact]
        public void NodeIds_differing_only_in_case_name_one_lower_case_file()
        {
            using var temp = new TempDirectory();
            var expected = temp.File("web01.identity");
            Assert.Equal(expected, IdentityFileLocation.InDirectory(temp.Path, "Web01"));
            Assert.Equal(expected, IdentityFileLocation.InDirectory(temp.Path, "WEB01"));
            Assert.Equal(expected, IdentityFileLocation.InDirectory(temp.Path, "web01"));
            Assert.Equal(temp.File("missing", "web01.identity"), IdentityFileLocation.InDirectory(temp.File("missing"), "Web01"));
        }

        [Fact]
        public void An_identity_an_older_version_saved_under_the_NodeIds_own_casing_is_moved_to_the_lower_case_name()
        {
            using var temp = new TempDirectory();
            var old = temp.File("Web01.identity");
            string publicKey;
            using (var created = IdentityKey.LoadOrCreate(old))
                publicKey = created.PublicKeyHex;

            var path = IdentityFileLocation.InDirectory(temp.Path, "WEB01");
            Assert.Equal(temp.File("web01.identity"), path);
            Assert.Equal(new[] { path }, Directory.GetFiles(temp.Path)); // moved, not copied: one identity file
            using var loaded = IdentityKey.LoadOrCreate(path);
            Assert.Equal(publicKey, loaded.PublicKeyHex);
            if (!System.OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void A_lower_case_file_is_used_as_it_is_and_others_are_not_touched()
        {
            using var temp = new TempDirectory();
            var canonical = temp.WriteSecret("web01.identity", "a");
            var other = temp.WriteSecret("web02.identity", "b");
            Assert.Equal(canonical, IdentityFileLocation.InDirectory(temp.Path, "Web01"));
            Assert.Equal(new[] { canonical, other }, Directory.GetFiles(temp.Path).OrderBy(f => f).ToArray());
        }

        [SkippableFact]
        public void Two_older_files_for_one_NodeId_are_the_operators_call_and_named_in_the_error()
        {
            Skip.If(System.OperatingSystem.IsWindows() || System.OperatingSystem.IsMacOS(), "Two names differing only in case are one file on a case-insensitive file system.");
            using var temp = new TempDirectory();
            var a = temp.WriteSecret("Web01.identity", "a");
            var b = temp.WriteSecret("WEB01.identity", "b");
            var error = Assert.Throws<DsnArgumentException>(() => IdentityFileLocation.InDirectory(temp.Path, "web01"));
            Assert.Equal(DsnArgument.Option, error.Argument);
            Assert.Equal(nameof(DsnNodeOptions.IdentityPath), error.ParamName);
            Assert.Contains($"'{b}', '{a}'", error.Message);
            Assert.Contains("equal ignoring case", error.Message);
            Assert.Equal(2, Directory.GetFiles(temp.Path).Length);
        }
    }
}
