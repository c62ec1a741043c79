using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Tests.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>
    /// Key rotation on real loopback nodes: install a key everywhere, make it primary everywhere, remove the old one —
    /// each one command from one member, reaching the others over the sessions they already have.
    /// </summary>
    public sealed class KeyRotationTests : IDisposable
    {
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
        private readonly TempDirectory _files = new TempDirectory();

        public void Dispose() => _files.Dispose();

        private static async Task<DsnNode[]> StartNetworkAsync(TestCluster cluster, int count, Func<string, DsnNodeOptions>? options = null)
        {
            options ??= id => cluster.Options(id);
            var first = await cluster.StartAsync(options("k1"));
            var rest = new List<DsnNode>();
            foreach (var id in Enumerable.Range(2, count - 1).Select(i => "k" + i))
            {
                var o = options(id);
                o.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", first.LocalEndPoint.Port));
                rest.Add(await cluster.StartAsync(o));
            }

            var nodes = new[] { first }.Concat(rest).ToArray();
            await cluster.WaitForMembershipAsync(nodes, nodes.Select(n => n.NodeId));
            return nodes;
        }

        private static void AllChanged(IReadOnlyList<DsnKeyringResult> results, IEnumerable<string> nodeIds, DsnKeyringOperation operation)
        {
            Assert.Equal(nodeIds.OrderBy(id => id), results.Select(r => r.NodeId));
            Assert.All(results, r => Assert.True(r.Status == DsnKeyringStatus.Changed && r.Operation == operation, r.ToString()));
        }

        [Fact]
        public async Task A_rotation_under_a_steady_write_load_loses_no_write_and_marks_nobody_failed()
        {
            await using var cluster = new TestCluster();
            var nodes = await StartNetworkAsync(cluster, 4);
            var ids = nodes.Select(n => n.NodeId).ToList();
            var statusChanges = new ConcurrentQueue<string>();
            foreach (var node in nodes)
                node.PeerStatusChanged += (_, e) => statusChanges.Enqueue($"{node.NodeId} saw {e.NodeId} {e.OldStatus}->{e.NewStatus}");

            var writer = nodes[3];
            using var stopWriting = new CancellationTokenSource();
            var written = 0;
            var writing = Task.Run(async () =>
            {
                while (!stopWriting.IsCancellationRequested)
                {
                    writer.SetData("w" + written, written.ToString());
                    written++;
                    await Task.Yield();
                    if (written % 50 == 0)
                        await Task.Delay(1); // a steady stream, not a flood that measures something else
                }
            });

            var oldKey = cluster.Key;
            var newKey = DsnNetworkKey.Generate();
            await Eventually.HoldsAsync(() => Volatile.Read(ref written) > 100, "the writer is writing");
            AllChanged(await nodes[0].InstallNetworkKeyAsync(newKey, CommandTimeout), ids, DsnKeyringOperation.Install);
            AllChanged(await nodes[1].UseNetworkKeyAsync(newKey.Id, CommandTimeout), ids, DsnKeyringOperation.Use);
            var remove = await nodes[2].RemoveNetworkKeyAsync(oldKey.Id, CommandTimeout);
            AllChanged(remove, ids, DsnKeyringOperation.Remove);
            Assert.All(remove, r => Assert.Equal(new[] { newKey.Id }, r.KeyIds));
            Assert.All(nodes, n => Assert.Equal(newKey.Id, Assert.Single(n.NetworkKeyring.Keys).Id));
            var afterRotation = Volatile.Read(ref written);
            await Eventually.HoldsAsync(() => Volatile.Read(ref written) > afterRotation + 100, "the writer carries on after the rotation");
            stopWriting.Cancel();
            await writing;

            var last = (written - 1).ToString();
            foreach (var reader in nodes.Take(3))
                await reader.WaitForDataAsync(writer.NodeId, "w" + (written - 1), last, TestCluster.Patience);
            foreach (var reader in nodes.Take(3))
            {
                var entries = reader.GetEntries(writer.NodeId).ToDictionary(e => e.Key, e => e.Value);
                var lost = Enumerable.Range(0, written).Where(i => !entries.TryGetValue("w" + i, out var v) || v != i.ToString()).ToList();
                Assert.True(lost.Count == 0, $"{reader.NodeId} lacks {lost.Count} of {written} writes, first w{lost.FirstOrDefault()}");
            }

            Assert.False(statusChanges.Any(c => c.EndsWith("->Failed", StringComparison.Ordinal)), "a member was marked failed: " + string.Join("; ", statusChanges));

            // The network now admits the new key only.
            var late = cluster.Options("late", nodes[0]);
            late.NetworkKey = newKey;
            await cluster.StartAsync(late);
            await cluster.WaitForMembershipAsync(nodes, ids.Concat(new[] { "late" }));
        }

        [Fact]
        public async Task A_node_holding_only_the_removed_key_can_no_longer_join()
        {
            await using var cluster = new TestCluster();
            var nodes = await StartNetworkAsync(cluster, 3);
            var newKey = DsnNetworkKey.Generate();
            await nodes[0].InstallNetworkKeyAsync(newKey, CommandTimeout);
            await nodes[0].UseNetworkKeyAsync(newKey.Id, CommandTimeout);

            var midway = cluster.Options("midway", nodes[1]); // still on the old key only, before the removal: admitted
            await cluster.StartAsync(midway);
            await cluster.WaitForMembershipAsync(nodes, new[] { "k1", "k2", "k3", "midway" });
            var remove = await nodes[0].RemoveNetworkKeyAsync(cluster.Key.Id, CommandTimeout);
            var refusal = Assert.Single(remove, r => r.NodeId == "midway");
            Assert.Equal(DsnKeyringStatus.Refused, refusal.Status); // its primary is the old key: it says so rather than lose it
            Assert.Contains("primary", refusal.Error);

            var stale = cluster.Options("stale", nodes[2]);
            stale.JoinTimeout = TimeSpan.FromSeconds(2);
            var error = await Assert.ThrowsAsync<DsnJoinException>(() => cluster.StartAsync(stale));
            Assert.Contains("handshake", error.Message);
            await Eventually.HoldsAsync(() => nodes[2].GetStatistics()["handshake.bad_key"] >= 1, "k3 refused the old key");
        }

        [Fact]
        public async Task A_node_restarted_from_its_key_file_mid_rotation_joins_and_catches_up()
        {
            await using var cluster = new TestCluster();
            var oldKey = cluster.Key;
            var paths = new Dictionary<string, string>();
            DsnNodeOptions FromFile(string id)
            {
                var path = paths.TryGetValue(id, out var known) ? known : paths[id] = _files.File(id + ".key");
                if (!File.Exists(path))
                    oldKey.Save(path); // as New-DsnKey writes it
                var options = cluster.Options(id);
                options.NetworkKey = null;
                options.NetworkKeyPath = path;
                options.PersistIdentity = true;
                options.IdentityPath = _files.File(id + ".identity");
                return options;
            }

            var nodes = await StartNetworkAsync(cluster, 3, FromFile);
            var newKey = DsnNetworkKey.Generate();
            await nodes[0].InstallNetworkKeyAsync(newKey, CommandTimeout);
            AllChanged(await nodes[0].UseNetworkKeyAsync(newKey.Id, CommandTimeout), new[] { "k1", "k2", "k3" }, DsnKeyringOperation.Use);
            Assert.Equal(new[] { newKey.Id, oldKey.Id }, DsnNetworkKeyring.Load(paths["k3"]).Keys.Select(k => k.Id)); // written back

            await nodes[2].StopAsync();
            await Eventually.HoldsAsync(() => nodes.Take(2).All(n => n.GetPeers().Any(p => p.NodeId == "k3" && p.Status == DsnPeerStatus.Left)),
                "k1 and k2 saw k3 leave, so they do not wait for its answer");
            AllChanged(await nodes[0].RemoveNetworkKeyAsync(oldKey.Id, CommandTimeout), new[] { "k1", "k2" }, DsnKeyringOperation.Remove);

            // k3 missed the removal; restarted from its file it dials with the new primary, and the others admit it.
            var again = FromFile("k3");
            again.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", nodes[1].LocalEndPoint.Port));
            var restarted = await cluster.StartAsync(again);
            Assert.Equal(newKey.Id, restarted.NetworkKeyring.Primary.Id);
            await cluster.WaitForMembershipAsync(new[] { nodes[0], nodes[1], restarted }, new[] { "k1", "k2", "k3" });
            var list = await nodes[0].ListNetworkKeysAsync(CommandTimeout);
            Assert.Equal(new[] { newKey.Id, oldKey.Id }, Assert.Single(list, r => r.NodeId == "k3").KeyIds); // it still accepts the old key...

            var cleanup = await restarted.RemoveNetworkKeyAsync(oldKey.Id, CommandTimeout); // ...until the removal runs again
            Assert.Equal(new[] { DsnKeyringStatus.Unchanged, DsnKeyringStatus.Unchanged, DsnKeyringStatus.Changed }, cleanup.Select(r => r.Status));
            Assert.Equal(new[] { newKey.Id }, DsnNetworkKeyring.Load(paths["k3"]).Keys.Select(k => k.Id));
        }

        [Fact]
        public async Task Members_that_do_not_answer_are_reported_and_bad_requests_are_refused_before_anything_is_sent()
        {
            await using var cluster = new TestCluster();
            var nodes = await StartNetworkAsync(cluster, 2);
            var stranger = DsnNetworkKey.Generate();
            var unknown = await Assert.ThrowsAsync<DsnKeyringException>(() => nodes[0].UseNetworkKeyAsync(stranger.Id));
            Assert.Equal(DsnKeyringProblem.UnknownKey, unknown.Problem);
            var primary = await Assert.ThrowsAsync<DsnKeyringException>(() => nodes[0].RemoveNetworkKeyAsync(cluster.Key.Id.ToUpperInvariant()));
            Assert.Equal(DsnKeyringProblem.PrimaryKey, primary.Problem);
            await Assert.ThrowsAsync<DsnArgumentException>(() => nodes[0].RemoveNetworkKeyAsync(cluster.Key.ToString()));
            await Assert.ThrowsAsync<DsnArgumentException>(() => nodes[0].ListNetworkKeysAsync(TimeSpan.FromHours(1)));
            await Assert.ThrowsAsync<ArgumentNullException>(() => nodes[0].InstallNetworkKeyAsync(null!));
            Assert.Equal(0, nodes[1].GetStatistics()["keyring.received"]);

            var streamed = new ConcurrentQueue<DsnKeyringResult>();
            var listed = await nodes[1].ListNetworkKeysAsync(CommandTimeout, streamed.Enqueue);
            Assert.Equal(new[] { "k1", "k2" }, listed.Select(r => r.NodeId));
            Assert.All(listed, r => Assert.Equal((DsnKeyringStatus.Unchanged, cluster.Key.Id), (r.Status, r.PrimaryKeyId)));
            Assert.Equal(2, streamed.Count);

            nodes[0].Freeze(); // a member that cannot answer
            var silent = await nodes[1].InstallNetworkKeyAsync(stranger, TimeSpan.FromMilliseconds(500));
            Assert.Equal((DsnKeyringStatus.NoAnswer, "k1"), (silent[0].Status, silent[0].NodeId));
            Assert.Contains("no answer", silent[0].Error);
            Assert.Empty(silent[0].KeyIds);
            Assert.Equal(DsnKeyringStatus.Changed, silent[1].Status);
            nodes[0].Thaw();
        }
    }
}
