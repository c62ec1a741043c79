using System.Linq;
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
        }
    }
}
