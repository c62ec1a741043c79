using System;
using System.IO;
using System.Net;
using System.Linq;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public sealed class StartAndFilesTests : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("dsn-ps-").FullName;

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        [Fact]
        public void A_start_request_becomes_runtime_options()
        {
            var request = new NodeStartRequest
            {
                NodeId = "web01",
                Port = 0,
                BindAddress = IPAddress.Loopback,
                Key = DsnNetworkKey.Generate(128).ToString(),
                IdentityPath = Path.Combine(_folder, "id"),
                Alone = true,
            };
            request.Bootstrap.Add("127.0.0.1:7000, monitor01");
            var options = request.ToOptions();
            Assert.Equal("web01", options.NodeId);
            Assert.Equal(0, options.Port);
            Assert.Equal(IPAddress.Loopback, options.BindAddress);
            Assert.Equal(128, Assert.Single(options.NetworkKeyring!.Keys).Bits);
            Assert.Null(options.NetworkKeyPath); // a key given as text has no file to keep the keyring in
            Assert.Equal(request.IdentityPath, options.IdentityPath);
            Assert.True(options.RetryJoinInBackground);
            Assert.Equal(new[] { "127.0.0.1:7000", "monitor01:7946" }, options.BootstrapNodes.Select(e => e.ToString()));
        }

        [Fact]
        public void The_key_comes_from_the_file_when_no_text_is_given()
        {
            var path = NetworkKeyFile.Create(Path.Combine(_folder, "net.key"), 256, overwrite: false).FullName;
            var options = new NodeStartRequest { NodeId = "a", KeyPath = path }.ToOptions();
            Assert.Equal(DsnNetworkKey.Load(path).ToString(), options.NetworkKeyring!.Primary.ToString());
            Assert.Equal(path, options.NetworkKeyPath); // the node writes a rotated keyring back to it
            Assert.Equal(IPAddress.Any, options.BindAddress);
        }

        [Fact]
        public void A_keyring_file_gives_the_whole_ring_primary_first()
        {
            var path = Path.Combine(_folder, "ring.key");
            var ring = new DsnNetworkKeyring(DsnNetworkKey.Generate(), new[] { DsnNetworkKey.Generate(128) });
            ring.Save(path);
            var options = new NodeStartRequest { NodeId = "a", KeyPath = path }.ToOptions();
            Assert.Equal(ring.Keys.Select(k => k.Id), options.NetworkKeyring!.Keys.Select(k => k.Id));
        }

        [Fact]
        public void A_missing_key_is_DsnNetworkKeyMissing() =>
            Assert.Equal("DsnNetworkKeyMissing", Assert.Throws<DsnCommandException>(() => new NodeStartRequest { NodeId = "a" }.ToOptions()).ErrorId);

        [Theory]
        [InlineData("not-hex")]
        [InlineData("0123")]
        public void Invalid_key_text_is_DsnNetworkKeyInvalid(string key)
        {
            var ex = Assert.Throws<DsnCommandException>(() => new NodeStartRequest { NodeId = "a", Key = key }.ToOptions());
            Assert.Equal("DsnNetworkKeyInvalid", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.InvalidData, ex.Category);
        }

        [Fact]
        public void A_key_file_with_garbage_is_DsnNetworkKeyInvalid_naming_the_file()
        {
            var path = Path.Combine(_folder, "bad.key");
            File.WriteAllText(path, "hello");
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var ex = Assert.Throws<DsnCommandException>(() => new NodeStartRequest { NodeId = "a", KeyPath = path }.ToOptions());
            Assert.Equal("DsnNetworkKeyInvalid", ex.ErrorId);
            Assert.Equal(path, ex.Target);
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // skips itself there
        public void A_key_file_others_can_read_is_DsnKeyFileInsecure_with_the_chmod_fix()
        {
            Skip.If(OperatingSystem.IsWindows(), "Unix permission bits; Windows key files are not checked on load.");
            var path = NetworkKeyFile.Create(Path.Combine(_folder, "net.key"), 256, overwrite: false).FullName;
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var ex = Assert.Throws<DsnKeyFileInsecureException>(() => new NodeStartRequest { NodeId = "a", KeyPath = path }.ToOptions());
            var info = ErrorClassifier.Classify(ex, null, "DsnNodeOptionInvalid");
            Assert.Equal(("DsnKeyFileInsecure", DsnErrorCategory.SecurityError, (object?)path), (info.ErrorId, info.Category, info.Target));
            Assert.EndsWith($"Fix it with: chmod 600 '{path}'", ex.Message);
        }

        [Fact]
        public void A_missing_key_file_is_a_FileNotFoundException_classified_DsnFileNotFound()
        {
            var ex = Assert.ThrowsAny<IOException>(() => new NodeStartRequest { NodeId = "a", KeyPath = Path.Combine(_folder, "none") }.ToOptions());
            Assert.Equal("DsnFileNotFound", ErrorClassifier.Classify(ex, null, "F").ErrorId);
        }

        [Fact]
        public void Invalid_bootstrap_entries_fail_the_request() =>
            Assert.Equal("DsnEndpointInvalid", Assert.Throws<DsnCommandException>(() =>
            {
                var request = new NodeStartRequest { NodeId = "a", Key = DsnNetworkKey.Generate().ToString() };
                request.Bootstrap.Add("web01:99999");
                request.ToOptions();
            }).ErrorId);

        [Fact]
        public void A_key_file_is_not_overwritten_without_force()
        {
            var path = Path.Combine(_folder, "net.key");
            NetworkKeyFile.Create(path, 256, overwrite: false);
            var first = File.ReadAllText(path);
            var ex = Assert.Throws<DsnCommandException>(() => NetworkKeyFile.Create(path, 256, overwrite: false));
            Assert.Equal("DsnKeyFileExists", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.ResourceExists, ex.Category);
            Assert.Equal(first, File.ReadAllText(path));
            NetworkKeyFile.Create(path, 128, overwrite: true);
            Assert.Equal(128, DsnNetworkKey.Load(path).Bits);
        }

        [Fact]
        public void A_key_file_is_readable_only_by_its_owner_on_unix()
        {
            if (OperatingSystem.IsWindows()) return;
            var path = NetworkKeyFile.Create(Path.Combine(_folder, "net.key"), 256, overwrite: false).FullName;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void Log_levels_match_the_cmdlet_and_None_or_nothing_means_no_logging()
        {
            Assert.Null(ConsoleLogging.Create(null));
            Assert.Null(ConsoleLogging.Create("none"));
            Assert.Equal("DsnLogLevelInvalid", Assert.Throws<DsnCommandException>(() => ConsoleLogging.Create("Loud")).ErrorId);
        }

        [Fact]
        public void Console_logging_writes_one_line_per_entry_at_or_above_its_level()
        {
            var text = new StringWriter();
            var log = ConsoleLogging.Create("information", text)!;
            Assert.False(log.IsEnabled(DsnLogLevel.Debug));
            Assert.True(log.IsEnabled(DsnLogLevel.Warning));
            log.Write(new DsnLogEntry(DateTimeOffset.Now, "web01", DsnLogLevel.Warning, "Refused a statement.", null));
            Assert.EndsWith(" Warning web01: Refused a statement." + Environment.NewLine, text.ToString());
        }

        [Fact]
        public void Text_messages_are_UTF8_without_a_byte_order_mark() =>
            Assert.Equal(new byte[] { 0x68, 0xC3, 0xA9 }, DirectMessage.Encode("hé"));
    }
}
