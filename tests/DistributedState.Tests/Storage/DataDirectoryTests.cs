using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Storage;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Storage
{
    /// <summary>The files of a data directory: what a good file gives back, and the typed refusal of every bad one.</summary>
    public sealed class DataDirectoryTests : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "dsn-data-" + Guid.NewGuid().ToString("N"));
        private readonly DsnNetworkKey _networkKey = DsnNetworkKey.Generate();
        private readonly IdentityKey _identity = IdentityKey.Create();

        public void Dispose()
        {
            _identity.Dispose();
            if (Directory.Exists(_path))
                Directory.Delete(_path, recursive: true);
        }

        private DataDirectory OpenData(string nodeId = "web01", DsnNetworkKey? networkKey = null)
        {
            var data = new DataDirectory(_path, nodeId, () => new[] { networkKey ?? _networkKey });
            data.Prepare();
            return data;
        }

        private List<SignedBatch> Batches(IdentityKey identity, string owner = "web01")
        {
            var signer = new SigningOwner(identity, owner);
            return new List<SignedBatch>
            {
                signer.Batch(100, 100, 102, ("status", 101, "ok"), ("load", 102, "0.5")),
                signer.Batch(100, 102, 103, ("load", 103, null)),
            };
        }

        private List<SignedBatch>? Load(DataDirectory data, IdentityKey? identity = null)
        {
            using var verifier = SignatureVerifier.For((identity ?? _identity).PublicKey);
            return data.LoadOwnState(verifier);
        }

        [Fact]
        public void The_own_state_comes_back_as_the_signed_bytes_that_were_saved()
        {
            var data = OpenData();
            Assert.Null(Load(data));
            var saved = Batches(_identity);
            data.SaveOwnState(saved);

            var loaded = Load(OpenData())!;
            Assert.Equal(saved.Select(b => b.Encoded), loaded.Select(b => b.Encoded));
            Assert.Equal(new[] { "status", "load", "load" }, loaded.SelectMany(b => b.Entries).Select(e => e.Key));
            Assert.Null(loaded[1].Entries[0].Value);
            Assert.Empty(Directory.GetFiles(_path, "*.tmp-*"));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.StatePath)); // owner-only, as secrets are
        }

        [Fact]
        public void The_member_list_comes_back_with_the_own_port()
        {
            var data = OpenData();
            Assert.Null(data.LoadMembers());
            var members = new[] { new KeyValuePair<string, DsnEndpoint>("db01", new DsnEndpoint("10.0.0.2", 7946)), new KeyValuePair<string, DsnEndpoint>("web02", new DsnEndpoint("::1", 40001)) };
            data.SaveMembers(new MemberList(41234, members));

            var loaded = OpenData().LoadMembers()!;
            Assert.Equal(41234, loaded.OwnPort);
            Assert.Equal(members, loaded.Members);
        }

        [Fact]
        public void Every_damaged_byte_and_every_truncation_is_reported_as_a_corrupt_file()
        {
            var data = OpenData();
            data.SaveOwnState(Batches(_identity));
            var good = File.ReadAllBytes(data.StatePath);
            var random = new Random(7);
            for (var trial = 0; trial < 200; trial++)
            {
                var bad = (byte[])good.Clone();
                if (trial % 2 == 0)
                    bad[random.Next(bad.Length)] ^= (byte)(1 + random.Next(255));
                else
                    Array.Resize(ref bad, random.Next(bad.Length));
                File.WriteAllBytes(data.StatePath, bad);
                var error = Assert.Throws<DsnDataFileException>(() => Load(data));
                Assert.Equal(DsnDataFileProblem.Corrupt, error.Problem);
                Assert.Equal(data.StatePath, error.Path);
                Assert.Contains(data.StatePath, error.Message);
            }
        }

        [Fact]
        public void A_file_of_another_node_or_another_network_is_refused_as_such()
        {
            OpenData("web02").SaveOwnState(Batches(_identity, "web02"));
            var otherNode = Assert.Throws<DsnDataFileException>(() => Load(OpenData("web01")));
            Assert.Equal(DsnDataFileProblem.OtherNode, otherNode.Problem);
            Assert.Contains("'web02'", otherNode.Message);

            OpenData("web01").SaveOwnState(Batches(_identity));
            var otherNetwork = Assert.Throws<DsnDataFileException>(() => Load(OpenData("web01", DsnNetworkKey.Generate())));
            Assert.Equal(DsnDataFileProblem.OtherNetwork, otherNetwork.Problem);

            // NodeIds compare ignoring case, as everywhere.
            Assert.NotNull(Load(OpenData("WEB01")));
        }

        [Fact]
        public void State_signed_by_another_identity_is_refused_as_another_nodes()
        {
            using var stranger = IdentityKey.Create();
            OpenData().SaveOwnState(Batches(stranger));
            var error = Assert.Throws<DsnDataFileException>(() => Load(OpenData()));
            Assert.Equal(DsnDataFileProblem.OtherNode, error.Problem);
        }

        [Fact]
        public void Files_written_under_a_key_load_while_the_ring_holds_it_and_are_rewritten_under_the_new_primary()
        {
            var data = OpenData();
            data.SaveMembers(new MemberList(7, Array.Empty<KeyValuePair<string, DsnEndpoint>>()));
            var next = DsnNetworkKey.Generate();
            IReadOnlyList<DsnNetworkKey> ring = new[] { next, _networkKey }; // mid-rotation: the new key is primary
            var rotating = new DataDirectory(_path, "web01", () => ring);
            Assert.Equal(7, rotating.LoadMembers()!.OwnPort);
            rotating.SaveMembers(new MemberList(8, Array.Empty<KeyValuePair<string, DsnEndpoint>>()));
            ring = new[] { next }; // the old key removed
            Assert.Equal(8, rotating.LoadMembers()!.OwnPort);
            Assert.Equal(DsnDataFileProblem.OtherNetwork, Assert.Throws<DsnDataFileException>(() => OpenData().LoadMembers()).Problem);
        }

        [Fact]
        public void A_file_of_the_other_kind_is_corrupt_and_the_leftovers_of_a_crash_are_removed()
        {
            var data = OpenData();
            data.SaveMembers(new MemberList(1, Array.Empty<KeyValuePair<string, DsnEndpoint>>()));
            File.Copy(data.MembersPath, data.StatePath);
            Assert.Equal(DsnDataFileProblem.Corrupt, Assert.Throws<DsnDataFileException>(() => Load(data)).Problem);

            File.WriteAllText(Path.Combine(_path, "." + Path.GetFileName(data.StatePath) + ".tmp-0123"), "half");
            File.WriteAllText(Path.Combine(_path, "." + Path.GetFileName(data.MembersPath) + ".tmp-4567"), "half");
            OpenData();
            Assert.Empty(Directory.GetFiles(_path, "*.tmp-*"));
        }

        [Fact]
        public void A_data_path_that_is_a_file_is_refused()
        {
            Directory.CreateDirectory(_path);
            var file = Path.Combine(_path, "not-a-directory");
            File.WriteAllText(file, "x");
            var error = Assert.Throws<DsnArgumentException>(() => new DataDirectory(file, "web01", () => new[] { _networkKey }).Prepare());
            Assert.Equal(nameof(DsnNodeOptions.DataPath), error.ParamName);
        }
    }
}
