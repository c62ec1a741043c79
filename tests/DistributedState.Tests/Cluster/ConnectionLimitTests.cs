using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>Beyond <see cref="DsnNodeOptions.MaxConnections"/> members, connections stay bounded and nothing else breaks.</summary>
    public sealed class ConnectionLimitTests
    {
        private const int Cap = 3;
        private const int Size = 10;

        [Fact]
        public async Task Connections_stay_within_the_cap_while_writes_freezes_and_crashes_still_reach_every_member()
        {
            await using var cluster = new TestCluster();
            DsnNodeOptions Capped(string id, params DsnNode[] bootstrap)
            {
                var options = cluster.Options(id, bootstrap);
                options.MaxConnections = Cap;
                return options;
            }

            // Every joiner goes through the seed, which therefore accepts far more connections than its cap.
            var seed = await cluster.StartAsync(Capped("seed"));
            for (var i = 1; i < Size; i++)
                await cluster.StartAsync(Capped($"n{i}", seed));
            var nodes = cluster.Nodes.ToList();
            await cluster.WaitForMembershipAsync(nodes, nodes.Select(n => n.NodeId));

            var falseReports = new ConcurrentQueue<string>();
            foreach (var observer in nodes)
                observer.PeerStatusChanged += (_, e) =>
                {
                    if (e.NodeId != "victim" && e.NodeId != $"n{Size - 1}" && e.NewStatus != DsnPeerStatus.Alive)
                        falseReports.Enqueue($"{observer.NodeId} saw {e.NodeId} {e.NewStatus}");
                };

            // A probe of an unconnected member opens a connection for a moment, hence one above the cap.
            await Eventually.HoldsAsync(() => nodes.All(n => n.ConnectedPeerCount <= Cap + 1),
                $"every node holds at most {Cap + 1} connections; they hold {Counts(nodes)}", TimeSpan.FromSeconds(20));
            Assert.True(nodes.Sum(n => n.GetStatistics()["sessions.shed"]) > 0, "nobody shed a connection");

            var writer = nodes[Size / 2];
            writer.SetData("status", "green");
            foreach (var reader in nodes.Where(n => n != writer))
                await reader.WaitForDataAsync(writer.NodeId, "status", "green", TestCluster.Patience);

            // Probes go to neighbours (and now and then to one other member): a frozen member is still found out.
            var sleeper = nodes[Size - 1];
            var awake = nodes.Where(n => n != sleeper).ToList();
            sleeper.Freeze();
            foreach (var observer in awake)
                await observer.WaitForPeerAsync(sleeper.NodeId, DsnPeerStatus.Failed, TestCluster.Patience);
            sleeper.Thaw();
            foreach (var observer in awake)
                await observer.WaitForPeerAsync(sleeper.NodeId, DsnPeerStatus.Alive, TestCluster.Patience);

            var victim = await cluster.StartAsync(Capped("victim", nodes[1]));
            await cluster.WaitForMembershipAsync(nodes, nodes.Select(n => n.NodeId).Append("victim"));
            await victim.CrashAsync();
            foreach (var survivor in nodes)
                await survivor.WaitForPeerAsync("victim", DsnPeerStatus.Failed, TestCluster.Patience);

            // The newcomer's connections and the probes of the crashed node are shed again within the grace period.
            await Eventually.HoldsAsync(() => nodes.All(n => n.ConnectedPeerCount <= Cap + 1),
                $"every node is back within the cap; they hold {Counts(nodes)}", TimeSpan.FromSeconds(20));
            Assert.True(falseReports.IsEmpty, string.Join("; ", falseReports));
        }

        private static string Counts(IEnumerable<DsnNode> nodes) =>
            string.Join(", ", nodes.Select(n => $"{n.NodeId}: {n.ConnectedPeerCount}"));
    }
}
