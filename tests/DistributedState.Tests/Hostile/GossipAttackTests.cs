using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using DistributedState.Transport.FaultInjection;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// A member holding the network key gossips alive records a handshake would refuse: NodeIds that inject text
    /// into logs and consoles, and endpoints that make every node connect where the member wants (an internal port
    /// scanner). Gossip passes the handshake's rules (<see cref="AliveRecordRules"/>).
    /// </summary>
    public sealed class GossipAttackTests : HostileTestBase
    {
        private const string Injection = "evil\n\u001b[31mADMIN\u001b[0m";

        private static MembersMessage Alive(params AliveRecord[] records) =>
            new MembersMessage(0, records, Array.Empty<Accusation>(), Array.Empty<LeaveRecord>());

        private static AliveRecord Record(string nodeId, string host, int port, long incarnation = 1)
        {
            using var key = IdentityKey.Create();
            return AliveRecord.Create(key, nodeId, incarnation, host, port);
        }

        [Fact]
        public async Task A_valid_rebind_survives_in_a_message_whose_other_record_is_dropped()
        {
            // Screening drops the invalid record and rebuilds the message: the re-bind beside it must come along, or the
            // moved member's new key would be refused as an impostor.
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            using var oldKey = IdentityKey.Create();
            using var newKey = IdentityKey.Create();
            long incarnation;
            int port;
            await using (var web = await HostilePeer.JoinAsync(a, cluster.Key, "web01", oldKey))
            {
                await web.Main.PingAsync();
                await JoinedAsync(a, "web01");
                (incarnation, port) = (web.Incarnation, web.AdvertisedPort);
            }

            Assert.Equal(oldKey.PublicKeyHex, a.GetPeer("web01")!.PublicKey);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var moved = AliveRecord.Create(newKey, "web01", incarnation + 1, "127.0.0.1", port);
            var rebind = RebindRecord.Create(oldKey, "web01", newKey.PublicKey);
            await mallory.Main.SendAsync(new MembersMessage(0, new[] { Record(Injection, "127.0.0.1", 7000), moved },
                Array.Empty<Accusation>(), Array.Empty<LeaveRecord>(), new[] { rebind }));
            await mallory.Main.PingAsync();

            await CounterReachesAsync(a, "members.rejected.invalid_node_id", 1);
            await Eventually.HoldsAsync(() => a.GetPeer("web01")?.PublicKey == newKey.PublicKeyHex, "a moved web01 to its new key", Quick);
        }

        [Fact]
        public async Task A_node_id_with_a_newline_and_ansi_escapes_reaches_neither_the_member_list_nor_the_log()
        {
            await using var cluster = new TestCluster();
            var log = new CapturingLog();
            var a = await DsnNode.StartAsync(cluster.Options("a"), log);
            try
            {
                await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
                await mallory.Main.PingAsync();

                await mallory.Main.SendAsync(Alive(Record(Injection, "127.0.0.1", 7000), Record("painter", "h\u001b[2J", 7000)));
                await mallory.Main.PingAsync();
                // The same NodeId in a handshake is refused as before.
                await using var direct = await HostilePeer.JoinAsync(a, cluster.Key, Injection, listen: false);
                await direct.Main.Closed.WaitAsync(Quick);

                await CounterReachesAsync(a, "members.rejected.invalid_node_id", 2);
                await CounterReachesAsync(a, "members.rejected.invalid_endpoint", 1);
                Assert.Equal(new[] { "a", "mallory" }, a.GetPeers().Select(p => p.NodeId).ToArray());
                Assert.True(log.Contains("Dropped an alive record from mallory"), string.Join("\n", log.Lines));
                Assert.DoesNotContain(log.Lines, line => line.IndexOf('\u001b') >= 0 || line.IndexOf("\nADMIN", StringComparison.Ordinal) >= 0);
                await HonestPeerStillWorksAsync(cluster, a);
            }
            finally
            {
                await a.StopAsync();
            }
        }

        [Fact]
        public async Task Endpoints_nobody_can_be_reached_at_are_refused_even_between_nodes_of_one_host()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();

            await mallory.Main.SendAsync(Alive(
                Record("any4", "0.0.0.0", 22),
                Record("any6", "::", 22),
                Record("multicast", "224.0.0.1", 22),
                Record("broadcast", "255.255.255.255", 22),
                Record("portzero", "127.0.0.1", 0),
                Record("nohost", "", 22),
                Record("badname", "db server", 22),
                Record("fine", "127.0.0.1", 7001)));
            await mallory.Main.PingAsync();

            await CounterReachesAsync(a, "members.rejected.invalid_endpoint", 7);
            Assert.Equal(new[] { "a", "fine", "mallory" }, a.GetPeers().Select(p => p.NodeId).ToArray());
        }

        [Fact]
        public async Task Over_a_connection_from_another_host_a_member_cannot_make_the_node_dial_its_own_loopback()
        {
            using var network = new FaultInjectionNetwork();
            var key = DsnNetworkKey.Generate();
            var host = network.AddHost("a");
            var a = await DsnNode.StartAsync(host.Configure(new DsnNodeOptions { NodeId = "a", Port = 0, NetworkKey = key, PersistIdentity = false }));
            try
            {
                var target = host.EndPoint(a.LocalEndPoint.Port);
                // Its own endpoint in the handshake: loopback, from another host's address.
                await using var liar = await HostilePeer.JoinAsync(network.AddHost("liar"), target, key, "liar", "127.0.0.1");
                await liar.Main.Closed.WaitAsync(Quick);
                await CounterReachesAsync(a, "members.rejected.invalid_endpoint", 1);

                // Gossip from a member that states its own endpoint honestly.
                await using var mallory = await HostilePeer.JoinAsync(network.AddHost("mallory"), target, key, "mallory", "mallory");
                await mallory.Main.PingAsync();
                await mallory.Main.SendAsync(Alive(
                    Record("redis", "127.0.0.1", 6379),
                    Record("ssh", "localhost", 22),
                    Record("admin", "::1", 8080),
                    Record("mapped", "::ffff:127.0.0.1", 8080),
                    Record("neighbour", "mallory", 7947)));
                await mallory.Main.PingAsync();

                await CounterReachesAsync(a, "members.rejected.invalid_endpoint", 1 + 4);
                Assert.Equal(new[] { "a", "mallory", "neighbour" }, a.GetPeers().Select(p => p.NodeId).ToArray());
            }
            finally
            {
                await a.StopAsync();
            }
        }

        [Fact]
        public async Task A_made_up_member_kept_alive_by_refutations_is_not_dialled_on_every_housekeeping_tick()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();

            // The endpoint mallory wants a to connect to: it counts the connections and drops them.
            var scanned = new TcpListener(IPAddress.Loopback, 0);
            scanned.Start();
            var dials = 0;
            using var stop = new CancellationTokenSource();
            var accepting = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var socket = await scanned.AcceptSocketAsync(stop.Token);
                        Interlocked.Increment(ref dials);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                }
            });

            // A member only mallory holds the key of, kept alive by refuting every suspicion at once.
            using var ghostKey = IdentityKey.Create();
            var incarnation = 1L;
            var port = ((IPEndPoint)scanned.LocalEndpoint).Port;
            await mallory.Main.SendAsync(Alive(AliveRecord.Create(ghostKey, "ghost", incarnation, "127.0.0.1", port)));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(8))
            {
                var accused = mallory.Main.Received.OfType<MembersMessage>().SelectMany(m => m.Accusations)
                    .Where(x => x.NodeId == "ghost").Select(x => x.Incarnation).DefaultIfEmpty(0).Max();
                if (accused >= incarnation)
                {
                    incarnation = accused + 1;
                    await mallory.Main.SendAsync(Alive(AliveRecord.Create(ghostKey, "ghost", incarnation, "127.0.0.1", port)));
                }

                await Task.Delay(10);
            }

            stop.Cancel();
            scanned.Stop();
            await accepting;
            Assert.True(incarnation > 2, "a kept suspecting the ghost, and mallory kept it alive");
            Assert.True(Counter(a, "dials.backed_off") > 0);
            // Probes still dial it at their pace (about two a second here: some 20 dials in 8 s); without the backoff,
            // housekeeping dialled it on every tick besides, about 40 dials in all.
            Assert.True(dials <= 30, $"a dialled the endpoint {dials} times in 8 s");
        }
    }
}
