using System.IO;
using DistributedState.Logging;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Security
{
    /// <summary>A node's live keyring: what each command does, and the key file written back after each change.</summary>
    public sealed class NodeKeyringTests
    {
        private readonly DsnNetworkKey _old = DsnNetworkKey.Generate();
        private readonly DsnNetworkKey _new = DsnNetworkKey.Generate();
        private readonly CapturingLog _log = new CapturingLog();

        private NodeKeyring Keyring(string? path = null) => new NodeKeyring(new DsnNetworkKeyring(_old), path, new NodeLog(_log, "n1"));

        [Fact]
        public void Each_command_reports_changed_unchanged_or_refused_with_the_ids_held_after_it()
        {
            var keyring = Keyring();
            var install = keyring.Apply(DsnKeyringOperation.Install, _new.Id, _new);
            Assert.Equal((DsnKeyringStatus.Changed, (string?)null), (install.Status, install.Message));
            Assert.Equal(new[] { _old.Id, _new.Id }, install.KeyIds);
            Assert.Equal(DsnKeyringStatus.Unchanged, keyring.Apply(DsnKeyringOperation.Install, _new.Id, _new).Status);

            var primaryRemoval = keyring.Apply(DsnKeyringOperation.Remove, _old.Id, null);
            Assert.Equal(DsnKeyringStatus.Refused, primaryRemoval.Status);
            Assert.Contains("primary", primaryRemoval.Message);
            var unknown = keyring.Apply(DsnKeyringOperation.Use, DsnNetworkKey.Generate().Id, null);
            Assert.Equal(DsnKeyringStatus.Refused, unknown.Status);

            Assert.Equal(new[] { _new.Id, _old.Id }, keyring.Apply(DsnKeyringOperation.Use, _new.Id, null).KeyIds);
            Assert.Equal(_new.Id, keyring.Current.Primary.Id);
            Assert.Equal(new[] { _new.Id }, keyring.Apply(DsnKeyringOperation.Remove, _old.Id, null).KeyIds);
            var list = keyring.Apply(DsnKeyringOperation.List, new string('0', 16), null);
            Assert.Equal((DsnKeyringStatus.Unchanged, 1), (list.Status, list.KeyIds.Count));
            Assert.True(_log.Contains("Keyring: Use " + _new.Id));
        }

        [Fact]
        public void A_changed_ring_is_written_back_to_the_key_file()
        {
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            _old.Save(path);
            var keyring = Keyring(path);
            keyring.Apply(DsnKeyringOperation.Install, _new.Id, _new);
            keyring.Apply(DsnKeyringOperation.Use, _new.Id, null);
            var reloaded = DsnNetworkKeyring.Load(path);
            Assert.Equal(new[] { _new.Id, _old.Id }, System.Linq.Enumerable.Select(reloaded.Keys, k => k.Id));
            Assert.Single(Directory.GetFiles(temp.Path));
        }

        [Fact]
        public void A_key_file_that_cannot_be_written_leaves_the_change_in_memory_with_a_warning()
        {
            using var temp = new TempDirectory();
            var keyring = Keyring(temp.Path); // a directory: no file can replace it
            var report = keyring.Apply(DsnKeyringOperation.Install, _new.Id, _new);
            Assert.Equal(DsnKeyringStatus.Changed, report.Status);
            Assert.Contains("key file could not be written", report.Message);
            Assert.Equal(2, keyring.Current.Keys.Count);
            Assert.True(_log.Contains("could not be written"));
        }
    }
}
