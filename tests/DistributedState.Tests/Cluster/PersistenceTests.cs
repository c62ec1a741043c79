using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>
    /// DataPath on real nodes: a restarted node continues its run — the same keys, values and versions — so peers that
    /// hold them see nothing change; a node restored from a file older than what peers hold moves to a new epoch above it.
    /// </summary>
    public sealed class PersistenceTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "dsn-persist-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        private string DataPath(string nodeId) => Path.Combine(_directory, nodeId);

        private DsnNodeOptions WithData(DsnNodeOptions options)
        {
            options.PersistIdentity = true;
            options.DataPath = DataPath(options.NodeId);
            return options;
        }

        private static ConcurrentQueue<(string Key, string? Old, string? New)> Observe(DsnNode monitor, string owner)
        {
            var seen = new ConcurrentQueue<(string, string?, string?)>();
            monitor.StateChanged += (_, e) =>
            {
                if (e.NodeId == owner)
                    seen.Enqueue((e.Key, e.OldValue, e.NewValue));
            };
            return seen;
        }

        private static (string, string, long)[] Entries(DsnNode node, string owner) =>
            node.GetEntries(owner).Select(e => (e.Key, e.Value, e.Version)).ToArray();

        private static Task SavedAsync(DsnNode node, long before) =>
            Eventually.HoldsAsync(() => node.GetStatistics()["storage.state.saved"] > before, $"{node.NodeId} saved its state");

        [Fact]
        public async Task A_restored_lease_keeps_its_expiry_and_one_that_passed_while_down_is_gone()
        {
            await using var cluster = new TestCluster();
            var options = WithData(cluster.Options("publisher"));
            var publisher = await cluster.StartAsync(options);
            var saved = publisher.GetStatistics()["storage.state.saved"];
            publisher.SetData("status", "ok", TimeSpan.FromHours(1));
            publisher.SetData("heartbeat", "now", TimeSpan.FromMilliseconds(1500));
            await SavedAsync(publisher, saved);
            var expiresAt = publisher.GetEntry("publisher", "status")!.ExpiresAt;
            var heartbeatEnds = publisher.GetEntry("publisher", "heartbeat")!.ExpiresAt!.Value;
            await publisher.StopAsync();

            // Down longer than the short lease: restored, it must not come back to life.
            await Eventually.HoldsAsync(() => DateTimeOffset.UtcNow > heartbeatEnds, "the short lease passed while the node was down");
            var restarted = await cluster.StartAsync(WithData(cluster.Options("publisher")));
            var status = restarted.GetEntry("publisher", "status");
            Assert.NotNull(status);
            Assert.Equal("ok", status!.Value);
            Assert.NotNull(expiresAt);
            Assert.InRange((status.ExpiresAt!.Value - expiresAt!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));
            await Eventually.HoldsAsync(() => restarted.GetEntry("publisher", "heartbeat") is null, "the lease that passed while the node was down stays passed");
        }

        [Fact]
        public async Task A_restarted_node_continues_its_run_and_its_peers_see_nothing_change()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var publisher = await cluster.StartAsync(WithData(cluster.Options("publisher", monitor)));
            publisher.SetData(new[] { new System.Collections.Generic.KeyValuePair<string, string>("status", "ok"), new System.Collections.Generic.KeyValuePair<string, string>("load", "0.5") });
            publisher.SetData("gone", "soon");
            Assert.True(publisher.RemoveData("gone"));
            await Eventually.HoldsAsync(() => monitor.GetData("publisher", "load") == "0.5" && monitor.GetData("publisher", "gone") is null, "the monitor holds the state");
            var before = Entries(publisher, "publisher");
            await publisher.StopAsync();

            var seen = Observe(monitor, "publisher");
            var restarted = await cluster.StartAsync(WithData(cluster.Options("publisher", monitor)));
            Assert.Equal(before, Entries(restarted, "publisher"));
            Assert.Equal(1, restarted.GetStatistics()["state.restored"]);
            await cluster.WaitForMembershipAsync(new[] { monitor }, new[] { "monitor", "publisher" });

            restarted.SetData("load", "0.7");
            await Eventually.HoldsAsync(() => monitor.GetData("publisher", "load") == "0.7", "the next write continues the chain");
            // Events are raised on the dispatcher thread, after the value is readable: wait for the one expected.
            await Eventually.HoldsAsync(() => !seen.IsEmpty, "the monitor raised StateChanged for the write");
            Assert.Equal(new[] { ("load", (string?)"0.5", (string?)"0.7") }, seen.ToArray());
            Assert.Equal(Entries(restarted, "publisher"), Entries(monitor, "publisher"));
            Assert.Equal(0, monitor.GetStatistics()["batches.rejected.incomplete"]);
            Assert.Equal(before.Single(e => e.Item1 == "status"), Entries(monitor, "publisher").Single(e => e.Item1 == "status"));
        }

        [Fact]
        public async Task A_killed_node_restores_what_it_had_saved_and_a_peer_that_never_saw_it_gets_it()
        {
            await using var cluster = new TestCluster();
            var publisher = await cluster.StartAsync(WithData(cluster.Options("publisher")));
            var saved = publisher.GetStatistics()["storage.state.saved"];
            publisher.SetData("status", "ok");
            await SavedAsync(publisher, saved);
            var before = Entries(publisher, "publisher");
            await publisher.CrashAsync();

            var restarted = await cluster.StartAsync(WithData(cluster.Options("publisher")));
            Assert.Equal(before, Entries(restarted, "publisher"));
            var newcomer = await cluster.StartAsync("newcomer", restarted);
            Assert.Equal(before, Entries(newcomer, "publisher"));
        }

        [Fact]
        public async Task A_node_restored_from_a_file_older_than_its_peers_copy_starts_a_new_epoch_above_it()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var publisher = await cluster.StartAsync(WithData(cluster.Options("publisher", monitor)));
            var saved = publisher.GetStatistics()["storage.state.saved"];
            publisher.SetData("status", "ok");
            await SavedAsync(publisher, saved);
            var older = File.ReadAllBytes(Path.Combine(DataPath("publisher"), "state.dsn"));
            publisher.SetData("status", "busy");
            publisher.SetData("extra", "lost with the file");
            await Eventually.HoldsAsync(() => monitor.GetData("publisher", "extra") is not null, "the monitor holds the later writes");
            await publisher.StopAsync();
            // As if the last saves had not reached the disk before a crash.
            File.WriteAllBytes(Path.Combine(DataPath("publisher"), "state.dsn"), older);

            var restarted = await cluster.StartAsync(WithData(cluster.Options("publisher", monitor)));
            await Eventually.HoldsAsync(() => restarted.GetStatistics()["state.rebased"] > 0, "the restarted node rebases above the monitor's copy");
            await Eventually.HoldsAsync(() => monitor.GetData("publisher", "extra") is null && monitor.GetData("publisher", "status") == "ok",
                "the monitor takes the state the node has");
            Assert.Equal(Entries(restarted, "publisher").Select(e => (e.Item1, e.Item2)), Entries(monitor, "publisher").Select(e => (e.Item1, e.Item2)));
            restarted.SetData("status", "busy again");
            await Eventually.HoldsAsync(() => monitor.GetData("publisher", "status") == "busy again", "later writes flow");
        }

        [Fact]
        public async Task With_port_0_a_node_comes_back_on_its_previous_port_or_on_a_free_one_if_it_is_taken()
        {
            await using var cluster = new TestCluster();
            var node = await cluster.StartAsync(WithData(cluster.Options("web01")));
            var port = node.LocalEndPoint.Port;
            await Eventually.HoldsAsync(() => File.Exists(Path.Combine(DataPath("web01"), "members.dsn")), "the member list (with the port) is saved");
            await node.StopAsync();

            node = await cluster.StartAsync(WithData(cluster.Options("web01")));
            Assert.Equal(port, node.LocalEndPoint.Port);
            await node.StopAsync();

            var squatter = new TcpListener(IPAddress.Loopback, port);
            squatter.Start();
            try
            {
                node = await cluster.StartAsync(WithData(cluster.Options("web01")));
                Assert.NotEqual(port, node.LocalEndPoint.Port);
            }
            finally
            {
                squatter.Stop();
            }
        }

        [Fact]
        public async Task Files_of_another_network_or_node_stop_the_start_with_a_typed_error()
        {
            await using var cluster = new TestCluster();
            var node = await cluster.StartAsync(WithData(cluster.Options("web01")));
            node.SetData("k", "v");
            await node.StopAsync();

            await using var otherNetwork = new TestCluster();
            var options = WithData(otherNetwork.Options("web01"));
            var error = await Assert.ThrowsAsync<DsnDataFileException>(() => DsnNode.StartAsync(options));
            Assert.Equal(DsnDataFileProblem.OtherNetwork, error.Problem);

            // web02 using web01's directory: its own identity file would be web01's, so name the identity elsewhere.
            var foreign = cluster.Options("web02");
            foreign.PersistIdentity = true;
            foreign.DataPath = DataPath("web01");
            foreign.IdentityPath = Path.Combine(_directory, "web02.identity");
            Assert.Equal(DsnDataFileProblem.OtherNode, (await Assert.ThrowsAsync<DsnDataFileException>(() => DsnNode.StartAsync(foreign))).Problem);

            var memoryIdentity = cluster.Options("web03");
            memoryIdentity.DataPath = DataPath("web03");
            var refused = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(memoryIdentity));
            Assert.Equal(nameof(DsnNodeOptions.DataPath), refused.ParamName);
        }
    }
}
