using System.Collections.Generic;
using DistributedState.Internal;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class UserDataDirectoryTests
    {
        private static string? Resolve(bool windows, Dictionary<string, string> environment, string? localApplicationData = null) =>
            UserDataDirectory.Resolve(windows, name => environment.TryGetValue(name, out var value) ? value : null, () => localApplicationData);

        [Fact]
        public void On_Unix_XDG_DATA_HOME_is_used_when_it_is_an_absolute_path()
        {
            Assert.Equal("/data/me", Resolve(false, new Dictionary<string, string> { ["XDG_DATA_HOME"] = "/data/me", ["HOME"] = "/home/me" }));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("relative/data")] // the XDG specification says to ignore it
        public void On_Unix_otherwise_it_is_HOME_slash_local_share(string? xdg)
        {
            var environment = new Dictionary<string, string> { ["HOME"] = "/home/me" };
            if (xdg is not null)
                environment["XDG_DATA_HOME"] = xdg;
            Assert.Equal("/home/me/.local/share", Resolve(false, environment));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("home")]
        public void On_Unix_without_an_absolute_HOME_there_is_none_and_never_a_temporary_directory(string? home)
        {
            var environment = new Dictionary<string, string> { ["TMPDIR"] = "/tmp", ["USER"] = "me" };
            if (home is not null)
                environment["HOME"] = home;
            Assert.Null(Resolve(false, environment));
        }

        [Fact]
        public void On_Windows_it_is_the_local_application_data_folder_and_XDG_is_ignored()
        {
            var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = "/data/me", ["HOME"] = "/home/me" };
            Assert.Equal(@"C:\Users\me\AppData\Local", Resolve(true, environment, @"C:\Users\me\AppData\Local"));
            Assert.Null(Resolve(true, environment, ""));
            Assert.Null(Resolve(true, environment, null));
        }
    }
}
