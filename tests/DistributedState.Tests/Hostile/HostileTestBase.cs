using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>Helpers shared by the hostile-peer tests: counters, and proof that honest peers are still served.</summary>
    public abstract class HostileTestBase
    {
        protected static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);
        private static int _honest;

        protected static long Counter(DsnNode node, string name) => node.GetStatistics()[name];

        protected static Task CounterReachesAsync(DsnNode node, string name, long atLeast) =>
            Eventually.HoldsAsync(() => Counter(node, name) >= atLeast,
                $"{node.NodeId}'s counter {name} reaches {atLeast} (it is {Counter(node, name)}; all: {string.Join(", ", node.GetStatistics().Counters.Where(c => c.Key.Contains("rejected") || c.Key.StartsWith("handshake")).Select(c => c.Key + "=" + c.Value))})",
                Quick);

        /// <summary>A new honest node joins through <paramref name="target"/> and writes flow both ways.</summary>
        protected static async Task<DsnNode> HonestPeerStillWorksAsync(TestCluster cluster, DsnNode target)
        {
            var id = "honest" + System.Threading.Interlocked.Increment(ref _honest);
            var honest = await cluster.StartAsync(id, target);
            await WritesConvergeAsync(target, honest);
            return honest;
        }

        /// <summary>Each node's fresh write is read on the other.</summary>
        protected static async Task WritesConvergeAsync(DsnNode a, DsnNode b)
        {
            var value = Guid.NewGuid().ToString("N");
            a.SetData("probe", value);
            await b.WaitForDataAsync(a.NodeId, "probe", value, Quick);
            var back = Guid.NewGuid().ToString("N");
            b.SetData("probe", back);
            await a.WaitForDataAsync(b.NodeId, "probe", back, Quick);
        }

        protected static Task JoinedAsync(DsnNode node, string nodeId) =>
            Eventually.HoldsAsync(() => node.GetPeers().Any(p => p.NodeId == nodeId && p.Status == DsnPeerStatus.Alive), $"{node.NodeId} lists {nodeId} alive", Quick);
    }
}
