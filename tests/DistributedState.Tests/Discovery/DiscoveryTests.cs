using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Discovery
{
    /// <summary>
    /// Real nodes that find each other by multicast on the loopback interface, with no bootstrap list. Each test uses
    /// its own UDP port, and its own random network key, so parallel runs ignore each other's beacons. Skipped with the
    /// reason where loopback multicast is not available.
    /// </summary>
    public sealed class DiscoveryTests
    {
        private static int FreeUdpPort()
        {
            using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
        }

        private static DsnNodeOptions Options(TestCluster cluster, string nodeId, int port, bool ipv6 = false)
        {
            var options = cluster.Options(nodeId);
            options.Discovery = new DsnDiscoveryOptions
            {
                Port = port,
                Group = ipv6 ? DsnDiscoveryOptions.DefaultIPv6Group : DsnDiscoveryOptions.DefaultIPv4Group,
                Interface = ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback,
                Interval = TimeSpan.FromMilliseconds(200),
            };
            return options;
        }

        private static async Task<DsnNode> StartOrSkipAsync(DsnNodeOptions options)
        {
            try
            {
                return await DsnNode.StartAsync(options);
            }
            catch (DsnBindException error)
            {
                Skip.If(true, $"Multicast on the loopback interface is not available here: {error.Message}");
                throw;
            }
        }

        [SkippableTheory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Nodes_with_no_bootstrap_list_find_each_other_and_share_state(bool ipv6)
        {
            await using var cluster = new TestCluster();
            var port = FreeUdpPort();
            var a = await StartOrSkipAsync(Options(cluster, "disc-a", port, ipv6));
            await using var _ = a;
            await Eventually.HoldsAsync(() => a.GetStatistics()["discovery.beacons.sent"] + a.GetStatistics()["discovery.send_failed"] > 0, "the first beacon goes out or fails");
            Skip.If(a.GetStatistics()["discovery.beacons.sent"] == 0,
                $"Multicast to {(ipv6 ? "ff05::77:46" : "239.255.77.46")} on the loopback interface is unreachable here (no multicast route on lo).");
            var b = await DsnNode.StartAsync(Options(cluster, "disc-b", port, ipv6));
            await using var __ = b;
            var c = await DsnNode.StartAsync(Options(cluster, "disc-c", port, ipv6));
            await using var ___ = c;
            a.SetData("role", "web");

            await Eventually.HoldsAsync(() => new[] { a, b, c }.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == 3),
                "all three meet without a bootstrap list", TimeSpan.FromSeconds(20));
            await Eventually.HoldsAsync(() => c.GetData("disc-a", "role") == "web", "state flows");
            Assert.True(new[] { a, b, c }.Sum(n => n.GetStatistics()["discovery.beacons.received"]) >= 2);
        }

        [SkippableFact]
        public async Task Beacons_of_another_network_are_refused_and_no_member_is_injected()
        {
            await using var ours = new TestCluster();
            await using var theirs = new TestCluster(); // another network key
            var port = FreeUdpPort();
            var node = await StartOrSkipAsync(Options(ours, "disc-ours", port));
            await using var _ = node;
            var stranger = await DsnNode.StartAsync(Options(theirs, "disc-stranger", port));
            await using var __ = stranger;

            await Eventually.HoldsAsync(() => node.GetStatistics()["discovery.rejected.bad_key"] >= 3,
                "the stranger's beacons are refused", TimeSpan.FromSeconds(20));
            Assert.Single(node.GetPeers());
            Assert.Equal(0, node.GetStatistics()["discovery.dials"]);
        }

        [Fact]
        public async Task A_group_that_is_not_multicast_is_refused_with_what_is_allowed()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("disc-bad");
            options.Discovery = new DsnDiscoveryOptions { Group = IPAddress.Parse("10.0.0.1") };
            var error = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options));
            Assert.Contains("multicast", error.Message);
            Assert.Equal(nameof(DsnDiscoveryOptions.Group), error.ParamName);
        }
    }
}
