using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    public sealed class SecurityTests
    {
        [Fact]
        public async Task A_node_with_the_wrong_network_key_cannot_join_learns_nothing_and_both_sides_log_why()
        {
            await using var cluster = new TestCluster();
            var seedLog = new CapturingLog();
            var seed = await DsnNode.StartAsync(cluster.Options("seed"), seedLog);
            await using var _ = seed;
            seed.SetData("secret", "s3cr3t");

            var intruderLog = new CapturingLog();
            var intruderCluster = new TestCluster(); // its own, different key
            var options = intruderCluster.Options("intruder");
            options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", seed.LocalEndPoint.Port));
            var error = await Assert.ThrowsAsync<DsnJoinException>(() => DsnNode.StartAsync(options, intruderLog));

            Assert.Contains("different network key", error.Message);
            Assert.True(intruderLog.Contains("different network key"), string.Join("\n", intruderLog.Lines));
            await Eventually.HoldsAsync(() => seedLog.Contains("different network key"), "the seed logs the wrong key");
            Assert.Single(seed.GetPeers());
            Assert.True(seed.GetStatistics()["handshake.bad_key"] >= 1);
        }

        [Fact]
        public async Task A_different_identity_presenting_a_live_NodeId_is_refused()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var original = b.PublicKey;
            var impostor = cluster.Options("b", a); // same NodeId, new in-memory identity
            await Assert.ThrowsAsync<DsnJoinException>(() => DsnNode.StartAsync(impostor));
            Assert.Equal(original, a.GetPeer("b").PublicKey);
            Assert.Equal(DsnPeerStatus.Alive, a.GetPeer("b").Status);
            Assert.True(a.GetStatistics()["members.rejected.identity_conflict"] >= 1);
        }

        [Fact]
        public async Task A_NodeId_differing_only_in_case_is_the_same_member_so_another_key_cannot_claim_it()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var web = await cluster.StartAsync("Web1", a);
            web.SetData("role", "web");
            await Eventually.HoldsAsync(() => a.GetData("web1", "role") == "web", "a reads Web1's state as web1");
            Assert.Equal("Web1", a.GetPeer("WEB1").NodeId); // the member keeps the case its node gave it

            var lookalike = cluster.Options("WEB1", a); // a new identity presenting the same NodeId in other case
            await Assert.ThrowsAsync<DsnJoinException>(() => DsnNode.StartAsync(lookalike));
            Assert.Equal(web.PublicKey, a.GetPeer("web1").PublicKey);
            Assert.Equal(2, a.GetPeers().Count);
            Assert.True(a.GetStatistics()["members.rejected.identity_conflict"] >= 1);
        }

        [Fact]
        public async Task An_allow_list_admits_only_pinned_nodes_with_their_keys()
        {
            var directory = Path.Combine(Path.GetTempPath(), "dsn-allow-" + Guid.NewGuid().ToString("N"));
            await using var cluster = new TestCluster();
            try
            {
                // Create b's identity first, to pin its key.
                var bOptions = cluster.Options("b");
                bOptions.PersistIdentity = true;
                bOptions.IdentityPath = Path.Combine(directory, "b.identity");
                var probe = await DsnNode.StartAsync(bOptions);
                var bKey = probe.PublicKey;
                await probe.StopAsync();

                var aOptions = cluster.Options("a");
                aOptions.AllowedNodes["b"] = bKey;
                var a = await cluster.StartAsync(aOptions);

                bOptions.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", a.LocalEndPoint.Port));
                var b = await cluster.StartAsync(bOptions);
                Assert.Contains(b.GetPeers(), p => p.NodeId == "a");

                await Assert.ThrowsAsync<DsnJoinException>(() => DsnNode.StartAsync(cluster.Options("c", a)));
                var fakeB = cluster.Options("b2", a);
                fakeB.NodeId = "b";
                await Assert.ThrowsAsync<DsnJoinException>(() => DsnNode.StartAsync(fakeB));
                Assert.Equal(new[] { "a", "b" }, a.GetPeers().Select(p => p.NodeId));
                Assert.True(a.GetStatistics()["members.rejected.not_allowed"] >= 1);
            }
            finally
            {
                if (Directory.Exists(directory))
                    Directory.Delete(directory, recursive: true);
            }
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // skips itself there
        public async Task A_node_whose_identity_file_others_can_read_does_not_start_and_says_how_to_fix_it()
        {
            Skip.If(OperatingSystem.IsWindows(), "Unix permission bits; Windows identity files are not checked on load.");
            using var temp = new Security.TempDirectory();
            await using var cluster = new TestCluster();
            var options = cluster.Options("web01");
            options.PersistIdentity = true;
            options.IdentityPath = temp.File("web01.identity");
            var first = await DsnNode.StartAsync(options);
            var publicKey = first.PublicKey;
            await first.StopAsync();

            File.SetUnixFileMode(options.IdentityPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var error = await Assert.ThrowsAsync<DsnKeyFileInsecureException>(() => DsnNode.StartAsync(options));
            Assert.Equal(DsnKeyFileProblem.OthersHaveAccess, error.Problem);
            Assert.EndsWith($"Fix it with: chmod 600 '{options.IdentityPath}'", error.Message);

            File.SetUnixFileMode(options.IdentityPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await using var again = await DsnNode.StartAsync(options);
            Assert.Equal(publicKey, again.PublicKey); // the same identity: the refused file was not replaced
        }
    }
}
