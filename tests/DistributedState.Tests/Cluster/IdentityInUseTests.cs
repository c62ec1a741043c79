using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Hostile;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>
    /// Two live processes started from one identity file (a copied file: two machines, one identity) are found out
    /// within seconds; the newer stops with <see cref="DsnIdentityInUseException"/> and the older keeps the name. A
    /// restarted node whose earlier run's records still circulate is not mistaken for one.
    /// </summary>
    public sealed class IdentityInUseTests : IDisposable
    {
        private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(10);
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "dsn-twin-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        private string IdentityPath => Path.Combine(_directory, "twin.identity");

        private DsnNodeOptions TwinOptions(TestCluster cluster, params DsnNode[] bootstrap)
        {
            var options = cluster.Options("twin", bootstrap);
            options.PersistIdentity = true;
            options.IdentityPath = IdentityPath;
            return options;
        }

        private static long Counter(DsnNode node, string name) => node.GetStatistics()[name];

        /// <summary>Starts the newer twin; returns the error it stopped with, whether start threw it or the node stopped soon after.</summary>
        private static async Task<DsnIdentityInUseException> NewerTwinStopsAsync(DsnNodeOptions options, CapturingLog log)
        {
            DsnNode newer;
            try
            {
                newer = await DsnNode.StartAsync(options, log);
            }
            catch (DsnIdentityInUseException failed)
            {
                return failed; // found during the join
            }

            await Eventually.HoldsAsync(() => !newer.IsRunning && newer.StopReason is not null, "the newer twin stopped itself", FewSeconds);
            var reason = Assert.IsType<DsnIdentityInUseException>(newer.StopReason);
            Assert.Throws<DsnIdentityInUseException>(() => newer.SetData("k", "v")); // later calls say why
            await Assert.ThrowsAsync<DsnIdentityInUseException>(() => newer.SendAsync("monitor", new byte[1]));
            Assert.Equal(1, Counter(newer, "identity.in_use"));
            return reason;
        }

        [Fact]
        public async Task The_newer_of_two_live_processes_with_one_identity_stops_and_the_network_keeps_the_older()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var observer = await cluster.StartAsync("observer", monitor);
            var olderLog = new CapturingLog();
            var older = await DsnNode.StartAsync(TwinOptions(cluster, monitor), olderLog);
            await using var _ = older;
            older.SetData("who", "older");
            await observer.WaitForDataAsync("twin", "who", "older", TestCluster.Patience);

            // A copy of the identity file starts elsewhere and joins through the monitor (not through its twin).
            var newerLog = new CapturingLog();
            var started = DateTimeOffset.UtcNow;
            var error = await NewerTwinStopsAsync(TwinOptions(cluster, monitor), newerLog);
            Assert.True(DateTimeOffset.UtcNow - started < FewSeconds, $"found after {DateTimeOffset.UtcNow - started}");

            // The error names the other process; both logged the clash; the older runs on.
            Assert.Equal("twin", error.NodeId);
            Assert.Equal(older.AdvertisedEndPoint, error.OtherEndPoint);
            Assert.True(error.OtherStarted <= error.Started);
            Assert.Contains(newerLog.Lines, l => l.StartsWith("Error") && l.Contains("another live process at " + older.AdvertisedEndPoint));
            await Eventually.HoldsAsync(() => olderLog.Lines.Any(l => l.StartsWith("Warning") && l.Contains("uses the identity of node twin")),
                "the older twin logged the clash", FewSeconds);
            Assert.True(older.IsRunning);
            Assert.Null(older.StopReason);
            Assert.Equal(1, Counter(older, "identity.in_use"));

            // The peers' view settles on the older process: its endpoint, alive, its state; refutations stop.
            foreach (var peer in new[] { monitor, observer })
            {
                await Eventually.HoldsAsync(() => peer.GetPeer("twin") is { Status: DsnPeerStatus.Alive } p && p.EndPoint.Equals(older.AdvertisedEndPoint),
                    $"{peer.NodeId} holds twin alive at the older's endpoint", FewSeconds);
            }

            var refuted = Counter(older, "members.refuted");
            Assert.True(refuted < 20, $"the older refuted {refuted} times");
            var pings = Counter(monitor, "messages.received.Ack");
            await Eventually.HoldsAsync(() => Counter(monitor, "messages.received.Ack") >= pings + 10, "ten more probe rounds of the monitor");
            Assert.Equal(refuted, Counter(older, "members.refuted"));
            foreach (var peer in new[] { monitor, observer })
            {
                var twin = peer.GetPeer("twin");
                Assert.Equal((DsnPeerStatus.Alive, older.AdvertisedEndPoint), (twin.Status, twin.EndPoint));
                Assert.Equal("older", peer.GetData("twin", "who"));
            }

            older.SetData("who", "still the older");
            await observer.WaitForDataAsync("twin", "who", "still the older", TestCluster.Patience);
        }

        [Fact]
        public async Task A_newer_process_that_joins_through_its_older_twin_fails_to_start()
        {
            await using var cluster = new TestCluster();
            var older = await cluster.StartAsync(TwinOptions(cluster));
            var error = await Assert.ThrowsAsync<DsnIdentityInUseException>(() => DsnNode.StartAsync(TwinOptions(cluster, older)));
            Assert.Equal(older.AdvertisedEndPoint, error.OtherEndPoint);
            Assert.Contains("Another live process uses the identity of node 'twin'", error.Message);
            Assert.True(older.IsRunning);
            await Eventually.HoldsAsync(() => Counter(older, "identity.in_use") == 1 && Counter(older, "handshake.identity_in_use") >= 1,
                "the older counted the clash and the handshake it refused", FewSeconds);
        }

        [Fact]
        public async Task A_restart_with_the_same_identity_file_still_runs_after_a_graceful_stop_or_a_crash()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var first = await cluster.StartAsync(TwinOptions(cluster, monitor));
            await first.StopAsync();
            var second = await cluster.StartAsync(TwinOptions(cluster, monitor));
            await monitor.WaitForPeerAsync("twin", DsnPeerStatus.Alive, TestCluster.Patience);
            await second.CrashAsync();
            var third = await cluster.StartAsync(TwinOptions(cluster, monitor));
            third.SetData("run", "3");
            await monitor.WaitForDataAsync("twin", "run", "3", TestCluster.Patience);
            Assert.True(third.IsRunning);
            Assert.Equal(0, Counter(third, "identity.in_use"));
            Assert.Equal(third.AdvertisedEndPoint, monitor.GetPeer("twin").EndPoint);
        }

        [Fact]
        public async Task An_earlier_run_whose_records_outbid_the_restarted_node_is_outbid_not_taken_for_a_live_twin()
        {
            // The earlier run's host clock was ahead: its records carry incarnations above the new run's start, and
            // they still circulate after it is gone. They are refuted, its endpoint is checked (nobody answers), and the
            // new run keeps running.
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var earlier = await cluster.StartAsync(TwinOptions(cluster, monitor));
            var deadPort = earlier.LocalEndPoint.Port;
            await earlier.CrashAsync();

            using var key = IdentityKey.Load(IdentityPath);
            var earlierRun = new RunIdentity(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds(), 7);
            var ahead = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds();
            await using var injector = await HostilePeer.JoinAsync(monitor, cluster.Key, "relay");
            await injector.Main.SendAsync(new MembersMessage(0, new[] { AliveRecord.Create(key, "twin", ahead, "127.0.0.1", deadPort, earlierRun) },
                Array.Empty<Accusation>(), Array.Empty<LeaveRecord>()));
            await Eventually.HoldsAsync(() => monitor.GetPeer("twin").Incarnation == ahead, "the monitor holds the earlier run's record");

            var log = new CapturingLog();
            var restarted = await DsnNode.StartAsync(TwinOptions(cluster, monitor), log);
            await using var _ = restarted;
            await Eventually.HoldsAsync(() => Counter(restarted, "members.refuted") >= 1, "the restarted node refuted the earlier run's record");
            // A second stale record of that run, higher still (it had refuted too), arrives later.
            await injector.Main.SendAsync(new MembersMessage(0, new[] { AliveRecord.Create(key, "twin", long.MaxValue / 4, "127.0.0.1", deadPort, earlierRun) },
                Array.Empty<Accusation>(), Array.Empty<LeaveRecord>()));
            await Eventually.HoldsAsync(() => Counter(restarted, "members.refuted") >= 2, "the restarted node refuted the second record");
            await Eventually.HoldsAsync(() => log.Contains("Looked for another process with this node's identity at 127.0.0.1:" + deadPort),
                "the restarted node checked the earlier run's endpoint");

            Assert.True(restarted.IsRunning);
            Assert.Null(restarted.StopReason);
            Assert.Equal(0, Counter(restarted, "identity.in_use"));
            await Eventually.HoldsAsync(() => monitor.GetPeer("twin") is { Status: DsnPeerStatus.Alive } p && p.EndPoint.Equals(restarted.AdvertisedEndPoint),
                "the monitor holds the restarted node");
        }
    }
}
