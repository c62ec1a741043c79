using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Testing
{
    /// <summary>The test network users' scripts are tested against: real nodes on the fault-injection transport.</summary>
    public sealed class DsnTestNetworkTests
    {
        private static bool AllSee(DsnTestNetwork network, string nodeId, DsnPeerStatus status, params string[] observers) =>
            observers.All(o => network[o].GetPeers().Any(p => p.NodeId == nodeId && p.Status == status));

        [Fact]
        public async Task Nodes_form_one_network_and_a_crashed_one_is_seen_Failed_by_the_rest()
        {
            using var network = await DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Count = 4, NodeIdPrefix = "web" });
            Assert.Equal(new[] { "web1", "web2", "web3", "web4" }, network.Nodes.Select(n => n.NodeId));
            await Eventually.HoldsAsync(() => network.Nodes.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == 4), "all four see all four");

            network["web1"].SetData("role", "lb");
            await Eventually.HoldsAsync(() => network["web4"].GetData("web1", "role") == "lb", "state flows over the test network");

            await network.CrashAsync("web2");
            await Eventually.HoldsAsync(() => AllSee(network, "web2", DsnPeerStatus.Failed, "web1", "web3", "web4"), "the crash is detected");
        }

        [Fact]
        public async Task A_partition_cuts_the_groups_apart_and_healing_brings_them_back()
        {
            using var network = await DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Count = 3 });
            await Eventually.HoldsAsync(() => network.Nodes.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == 3), "formed");

            network.Partition(new[] { "node1", "node2" }, new[] { "node3" });
            await Eventually.HoldsAsync(() => AllSee(network, "node3", DsnPeerStatus.Failed, "node1", "node2"), "the majority loses node3",
                TimeSpan.FromSeconds(30));
            network.Heal();
            await Eventually.HoldsAsync(() => network.Nodes.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == 3), "healed",
                TimeSpan.FromSeconds(30));
        }

        [Fact]
        public async Task A_frozen_node_is_suspected_and_comes_back_when_thawed()
        {
            using var network = await DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Count = 3 });
            await Eventually.HoldsAsync(() => network.Nodes.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == 3), "formed");
            network.Freeze("node2");
            await Eventually.HoldsAsync(() => AllSee(network, "node2", DsnPeerStatus.Failed, "node1", "node3"), "the frozen node is declared failed",
                TimeSpan.FromSeconds(30));
            network.Thaw("node2");
            await Eventually.HoldsAsync(() => AllSee(network, "node2", DsnPeerStatus.Alive, "node1", "node3"), "it refutes once thawed",
                TimeSpan.FromSeconds(30));
        }

        [Fact]
        public async Task A_lossy_slow_network_still_converges_and_keeps_its_seed()
        {
            using var network = await DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Count = 3, Seed = 42, Loss = 0.1, Delay = TimeSpan.FromMilliseconds(5) });
            Assert.Equal(42, network.Seed);
            network["node3"].SetData("k", "v");
            await Eventually.HoldsAsync(() => network["node1"].GetData("node3", "k") == "v", "a write arrives despite 10 % loss", TimeSpan.FromSeconds(30));
            network.SetLinkFaults("node1", null, loss: 0, delay: TimeSpan.Zero);
            Assert.Equal(0, network.Network.GetFaults("node1", "node2").DropProbability);
            Assert.Equal(0.1, network.Network.GetFaults("node2", "node3").DropProbability);
        }

        [Fact]
        public async Task Bad_requests_are_refused_with_what_is_wrong()
        {
            await Assert.ThrowsAsync<DsnArgumentException>(() => DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Count = 0 }));
            await Assert.ThrowsAsync<DsnArgumentException>(() => DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Loss = 1.5 }));
            var prefix = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { NodeIdPrefix = "web 0" }));
            Assert.Equal(DsnArgument.NodeId, prefix.Argument);

            using var network = await DsnTestNetwork.StartAsync(new DsnTestNetworkOptions { Count = 2 });
            Assert.Throws<DsnNodeNotFoundException>(() => network.Freeze("nobody"));
            Assert.Throws<DsnArgumentException>(() => network.Partition(new[] { "node1" }));
            Assert.Throws<DsnArgumentException>(() => network.Partition(new[] { "node1" }, new[] { "NODE1", "node2" }));
            Assert.Throws<DsnArgumentException>(() => network.SetLinkFaults("node1", "node2", loss: -0.1, delay: TimeSpan.Zero));
        }
    }
}
