using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    public sealed class MembershipTests
    {
        [Fact]
        public async Task A_single_node_lists_only_itself()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var peers = a.GetPeers();
            Assert.Single(peers);
            Assert.Equal("a", peers[0].NodeId);
            Assert.True(peers[0].IsLocal);
            Assert.Equal(DsnPeerStatus.Alive, peers[0].Status);
            Assert.True(a.IsRunning);
            Assert.NotEqual(0, a.LocalEndPoint.Port);
        }

        [Fact]
        public async Task WaitForPeersAsync_returns_once_the_member_list_satisfies_the_condition_and_times_out_otherwise()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var waiting = a.WaitForPeersAsync(peers => peers.Any(p => p.NodeId.StartsWith("web", StringComparison.Ordinal)), TestCluster.Patience);
            Assert.False(waiting.IsCompleted);
            await cluster.StartAsync("web01", a);
            Assert.Contains((await waiting).Select(p => p.NodeId), id => id == "web01");
            await Assert.ThrowsAsync<TimeoutException>(() => a.WaitForPeersAsync(peers => peers.Count > 5, TimeSpan.FromMilliseconds(200)));
        }

        [Fact]
        public async Task Two_nodes_see_each_other_when_start_returns()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            Assert.Equal(new[] { "a", "b" }, b.GetPeers().Select(p => p.NodeId));
            Assert.Equal(new[] { "a", "b" }, a.GetPeers().Select(p => p.NodeId));
            Assert.All(b.GetPeers(), p => Assert.Equal(DsnPeerStatus.Alive, p.Status));
            Assert.Equal(a.PublicKey, b.GetPeer("a").PublicKey);
        }

        [Fact]
        public async Task A_bootstrap_node_and_ten_joiners_all_see_all()
        {
            await using var cluster = new TestCluster();
            var seed = await cluster.StartAsync("seed");
            var joiners = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => cluster.StartAsync($"n{i:00}", seed)));
            foreach (var joiner in joiners)
                Assert.Contains(joiner.GetPeers(), p => p.NodeId == "seed");
            await cluster.WaitForMembershipAsync(cluster.Nodes, cluster.Nodes.Select(n => n.NodeId));
        }

        [Fact]
        public async Task Three_chained_bootstraps_with_joiners_on_each_converge_to_everyone()
        {
            await using var cluster = new TestCluster();
            var b1 = await cluster.StartAsync("b1");
            var b2 = await cluster.StartAsync("b2", b1);
            var b3 = await cluster.StartAsync("b3", b2);
            foreach (var bootstrap in new[] { b1, b2, b3 })
            {
                for (var i = 0; i < 3; i++)
                    await cluster.StartAsync($"{bootstrap.NodeId}-j{i}", bootstrap);
            }

            Assert.Equal(12, cluster.Nodes.Count);
            await cluster.WaitForMembershipAsync(cluster.Nodes, cluster.Nodes.Select(n => n.NodeId));
        }

        [Fact]
        public async Task A_joiner_learns_members_it_was_never_told_about()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var c = await cluster.StartAsync("c", b);
            // c was told only of b, yet holds a as soon as it has joined.
            Assert.Contains(c.GetPeers(), p => p.NodeId == "a" && p.Status == DsnPeerStatus.Alive);
            await Eventually.HoldsAsync(() => a.GetPeers().Any(p => p.NodeId == "c"), "a learns of c");
        }

        [Fact]
        public async Task An_unreachable_bootstrap_entry_does_not_block_joining()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var options = cluster.Options("b");
            options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", ClosedPort()));
            options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", a.LocalEndPoint.Port));
            var b = await cluster.StartAsync(options);
            Assert.Contains(b.GetPeers(), p => p.NodeId == "a");
        }

        [Fact]
        public async Task Join_failure_names_every_bootstrap_and_why()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("lonely");
            var first = ClosedPort();
            var second = ClosedPort();
            options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", first));
            options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", second));
            var error = await Assert.ThrowsAsync<DsnJoinException>(() => DsnNode.StartAsync(options));
            Assert.Equal(2, error.Attempts.Count);
            Assert.Contains($"127.0.0.1:{first}", error.Message);
            Assert.Contains($"127.0.0.1:{second}", error.Message);
            Assert.All(error.Attempts, a => Assert.Contains("ConnectionRefused", a.Reason));
        }

        [Fact]
        public async Task Retry_join_starts_alone_and_joins_once_a_bootstrap_answers()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            a.Freeze(); // listening but silent: the first join attempt times out
            var options = cluster.Options("b", a);
            options.RetryJoinInBackground = true;
            options.JoinTimeout = TimeSpan.FromMilliseconds(500);
            options.HandshakeTimeout = TimeSpan.FromMilliseconds(400);
            options.RetryJoinInterval = TimeSpan.FromMilliseconds(200);
            var b = await cluster.StartAsync(options);
            Assert.Single(b.GetPeers());
            a.Thaw();
            await b.WaitForPeerAsync("a", DsnPeerStatus.Alive, TestCluster.Patience);
            await a.WaitForPeerAsync("b", DsnPeerStatus.Alive, TestCluster.Patience);
        }

        [Fact]
        public async Task Churn_of_joins_and_stops_ends_with_identical_views_everywhere()
        {
            await using var cluster = new TestCluster();
            var seed = await cluster.StartAsync("seed");
            var live = new List<DsnNode> { seed };
            var random = new Random(7);
            for (var round = 0; round < 5; round++)
            {
                for (var j = 0; j < 5; j++)
                {
                    var via = live[random.Next(live.Count)];
                    var node = await cluster.StartAsync($"r{round}-{j}", via);
                    node.SetData("round", round.ToString());
                    node.SetData("name", node.NodeId);
                    live.Add(node);
                }

                var victim = live[1 + random.Next(live.Count - 1)];
                await victim.StopAsync();
                live.Remove(victim);
            }

            var expected = live.Select(n => n.NodeId).ToList();
            await Eventually.HoldsAsync(() => live.All(viewer => live.All(owner =>
                    viewer.GetData(owner.NodeId, "name") == (owner == seed ? null : owner.NodeId))),
                "every live node holds every live node's state");
            var reference = Describe(live[0]);
            await Eventually.HoldsAsync(() => live.All(n => Describe(n) == reference), "all views are identical");
        }

        private static string Describe(DsnNode node) => string.Join("|", node.GetPeers().Select(p =>
            $"{p.NodeId}:{p.Status}:{string.Join(",", node.GetState(p.NodeId).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value))}"));

        /// <summary>A port nothing listens on: bound then released by the test itself.</summary>
        internal static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
