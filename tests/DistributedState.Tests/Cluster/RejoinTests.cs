using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Storage;
using DistributedState.Tests.Support;
using DistributedState.Transport.FaultInjection;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>
    /// Finding the network again with nothing but the data directory: after a full outage, with no bootstrap list at
    /// all; and after a partition long enough that both sides forgot each other.
    /// </summary>
    public sealed class RejoinTests : IDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "dsn-rejoin-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        private DsnNodeOptions WithData(DsnNodeOptions options)
        {
            options.PersistIdentity = true;
            options.DataPath = Path.Combine(_directory, options.NodeId);
            options.RetryJoinInterval = TimeSpan.FromMilliseconds(200);
            return options;
        }

        /// <summary>The NodeIds a node's member file lists (what a restart will dial).</summary>
        private MemberList? Remembered(string nodeId, DsnNetworkKey key) =>
            new DataDirectory(Path.Combine(_directory, nodeId), nodeId, () => new[] { key }).LoadMembers();

        private async Task WaitUntilEveryoneRemembersEveryoneAsync(IReadOnlyList<string> ids, DsnNetworkKey key)
        {
            foreach (var id in ids)
                await Eventually.HoldsAsync(() => Remembered(id, key)?.Members.Count == ids.Count - 1, $"{id} saved all {ids.Count - 1} other members", Patience);
        }

        private static async Task WaitUntilAllSeeAllAsync(IReadOnlyList<DsnNode> nodes, int count, string what) =>
            await Eventually.HoldsAsync(() => nodes.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == count),
                $"{what}: every node sees {count} alive; they see " + string.Join(" | ", nodes.Select(n => n.NodeId + ": " + string.Join(",", n.GetPeers().Select(p => p.NodeId + "=" + p.Status)))),
                Patience);

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public async Task After_a_full_outage_five_nodes_restarted_in_random_order_without_bootstrap_meet_again(int seed)
        {
            var ids = Enumerable.Range(1, 5).Select(i => "node" + i).ToList();
            await using var first = new TestCluster();
            var nodes = new List<DsnNode> { await first.StartAsync(WithData(first.Options(ids[0]))) };
            foreach (var id in ids.Skip(1))
                nodes.Add(await first.StartAsync(WithData(first.Options(id, nodes[0]))));
            await WaitUntilAllSeeAllAsync(nodes, 5, "formed");
            await WaitUntilEveryoneRemembersEveryoneAsync(ids, first.Key);
            var ports = nodes.ToDictionary(n => n.NodeId, n => n.LocalEndPoint.Port);

            // Every machine loses power at once: no leave, no final save.
            await Task.WhenAll(nodes.Select(n => n.CrashAsync()));

            await using var second = new TestCluster(first.Key);
            var restarted = new List<DsnNode>();
            var random = new Random(seed);
            foreach (var id in ids.OrderBy(_ => random.Next()).ToList())
            {
                var node = await second.StartAsync(WithData(second.Options(id)));
                Assert.Equal(ports[id], node.LocalEndPoint.Port); // where the others remember it
                restarted.Add(node);
            }

            await WaitUntilAllSeeAllAsync(restarted, 5, "after the outage");
        }

        [Fact]
        public async Task Two_islands_that_forgot_each_other_during_a_partition_merge_after_it_heals()
        {
            using var network = new FaultInjectionNetwork(11);
            var key = DsnNetworkKey.Generate();
            var ids = new[] { "a1", "a2", "b1", "b2" };
            DsnNodeOptions Options(string id)
            {
                var options = WithData(new DsnNodeOptions { NodeId = id, NetworkKey = key, Port = 0, DepartedRetention = TimeSpan.FromSeconds(2) });
                network.GetHost(id).Configure(options);
                return options;
            }

            foreach (var id in ids)
                network.AddHost(id);
            var nodes = new List<DsnNode> { await DsnNode.StartAsync(Options("a1")) };
            try
            {
                foreach (var id in ids.Skip(1))
                {
                    var options = Options(id);
                    options.BootstrapNodes.Add(network.GetHost("a1").EndPoint(nodes[0].LocalEndPoint.Port));
                    nodes.Add(await DsnNode.StartAsync(options));
                }

                await WaitUntilAllSeeAllAsync(nodes, 4, "formed");
                await WaitUntilEveryoneRemembersEveryoneAsync(ids, key);
                await Task.WhenAll(nodes.Select(n => n.StopAsync()));

                // Restarted from their data directories alone: no bootstrap list anywhere.
                nodes.Clear();
                foreach (var id in ids)
                    nodes.Add(await DsnNode.StartAsync(Options(id)));
                await WaitUntilAllSeeAllAsync(nodes, 4, "restarted");

                network.Partition(new[] { "a1", "a2" }, new[] { "b1", "b2" });
                // Long enough for each side to declare the other failed and then forget it (DepartedRetention 2 s).
                await Eventually.HoldsAsync(() => nodes.All(n => n.GetPeers().Count == 2), "each island forgot the other", Patience);
                network.Heal();
                await WaitUntilAllSeeAllAsync(nodes, 4, "healed");
                Assert.True(nodes.Sum(n => n.GetStatistics()["rejoin.reached"]) > 0, "the islands met through the rejoin loop");
            }
            finally
            {
                await Task.WhenAll(nodes.Select(n => n.StopAsync()));
            }
        }
    }
}
