using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    public sealed class StateTests
    {
        [Fact]
        public async Task A_write_is_readable_on_every_peer()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var peers = new[] { await cluster.StartAsync("b", a), await cluster.StartAsync("c", a), await cluster.StartAsync("d", a) };
            a.SetData("status", "online");
            Assert.Equal("online", a.GetData("a", "status"));
            foreach (var peer in peers)
                Assert.Equal("online", await peer.WaitForDataAsync("a", "status", "online", TestCluster.Patience));
        }

        [Fact]
        public async Task Several_keys_overwrite_and_removal_reach_peers()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            a.SetData("cpu", "12");
            a.SetData("disk", "80");
            a.SetData("cpu", "99");
            await Eventually.HoldsAsync(() => b.GetData("a", "cpu") == "99" && b.GetData("a", "disk") == "80", "b holds cpu=99 and disk=80");
            Assert.True(a.RemoveData("disk"));
            Assert.False(a.RemoveData("never-set"));
            await Eventually.HoldsAsync(() => b.GetData("a", "disk") is null, "b sees disk removed");
            Assert.Equal(new Dictionary<string, string> { ["cpu"] = "99" }, b.GetState("a"));
            Assert.Equal(1, b.GetPeer("a").KeyCount);
        }

        [Fact]
        public async Task A_batch_of_keys_arrives_together()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            a.SetData(new Dictionary<string, string> { ["x"] = "1", ["y"] = "2", ["z"] = "3" });
            await Eventually.HoldsAsync(() => b.GetState("a").Count == 3, "b holds the three keys");
        }

        [Theory]
        [InlineData("")]
        [InlineData("héllo wörld ✓ 日本語 🚀")]
        [InlineData("line1\nline2\ttab")]
        public async Task Unusual_values_round_trip_exactly(string value)
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            a.SetData("ключ-🔑", value);
            Assert.Equal(value, await b.WaitForDataAsync("a", "ключ-🔑", value, TestCluster.Patience));
        }

        [Fact]
        public async Task One_mebibyte_values_propagate_as_deltas()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var big = new string('x', 1024 * 1024);
            var other = new string('y', 1024 * 1024);
            a.SetData("big", big);
            a.SetData("other", other);
            await Eventually.HoldsAsync(() => b.GetData("a", "big") == big && b.GetData("a", "other") == other, "b holds both 1 MiB values");
            var before = b.GetStatistics()["bytes.received"];
            a.SetData("small", "1");
            await b.WaitForDataAsync("a", "small", "1", TestCluster.Patience);
            var received = b.GetStatistics()["bytes.received"] - before;
            Assert.True(received < 64 * 1024, $"a one-byte write cost {received} bytes: the state must travel as a delta");
        }

        [Fact]
        public async Task A_write_made_before_a_node_joined_is_there_when_it_has_joined()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            a.SetData("early", "bird"); // possibly not yet signed when b asks: the answer must include it anyway
            var b = await cluster.StartAsync("b", a);
            Assert.Equal("bird", b.GetData("a", "early"));
        }

        [Fact]
        public async Task StateChanged_fires_once_per_change_with_old_and_new_values_including_at_join()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            a.SetData("k", "v1");
            var b = await cluster.StartAsync(cluster.Options("b", a));
            // Events for what b learned at join have been queued before StartAsync returned; subscribe to a fresh node to see them.
            var events = new ConcurrentQueue<DsnStateChangedEventArgs>();
            var c = await StartObservedAsync(cluster, "c", a, events);
            await Eventually.HoldsAsync(() => events.Any(e => e.NodeId == "a" && e.Key == "k"), "c reports a's state learned at join");
            var atJoin = events.Single(e => e.NodeId == "a" && e.Key == "k");
            Assert.Null(atJoin.OldValue);
            Assert.Equal("v1", atJoin.NewValue);

            a.SetData("k", "v2");
            await Eventually.HoldsAsync(() => events.Count(e => e.NodeId == "a" && e.Key == "k") == 2, "c reports the overwrite");
            a.RemoveData("k");
            await Eventually.HoldsAsync(() => events.Count(e => e.NodeId == "a" && e.Key == "k") == 3, "c reports the removal");
            var changes = events.Where(e => e.NodeId == "a" && e.Key == "k").ToList();
            Assert.Equal(("v1", "v2", false), (changes[1].OldValue, changes[1].NewValue, changes[1].IsRemoval));
            Assert.Equal(("v2", (string?)null, true), (changes[2].OldValue, changes[2].NewValue, changes[2].IsRemoval));
            Assert.True(changes[1].Version < changes[2].Version);
            GC.KeepAlive(b);
        }

        [Fact]
        public async Task A_handler_that_throws_does_not_break_the_node()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var seen = new ConcurrentQueue<string>();
            b.StateChanged += (_, e) => throw new InvalidOperationException("handler bug");
            b.StateChanged += (_, e) => seen.Enqueue(e.NewValue ?? "");
            a.SetData("k", "1");
            await b.WaitForDataAsync("a", "k", "1", TestCluster.Patience);
            a.SetData("k", "2");
            await b.WaitForDataAsync("a", "k", "2", TestCluster.Patience);

            // The handler after the throwing one saw both changes, and b still writes and propagates.
            await Eventually.HoldsAsync(() => seen.Contains("1") && seen.Contains("2"), "the handler after the throwing one saw k=1 and k=2");
            b.SetData("after", "ok");
            Assert.Equal("ok", await a.WaitForDataAsync("b", "after", "ok", TestCluster.Patience));
            Assert.True(b.IsRunning);
            Assert.True(b.GetStatistics()["events.handler.faults"] >= 2);
        }

        [Fact]
        public async Task A_handler_may_stop_its_own_node()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            b.StateChanged += (_, e) =>
            {
                if (e.NewValue == "stop")
                {
                    b.Dispose();
                    stopped.TrySetResult(true);
                }
            };
            a.SetData("command", "stop");
            Assert.True(await stopped.Task.WaitAsync(TestCluster.Patience));
            Assert.False(b.IsRunning);
            await a.WaitForPeerAsync("b", DsnPeerStatus.Left, TestCluster.Patience);
        }

        [Fact]
        public async Task A_restarted_node_keeps_its_NodeId_and_its_new_writes_win()
        {
            await using var cluster = new TestCluster();
            var directory = Path.Combine(Path.GetTempPath(), "dsn-test-" + Guid.NewGuid().ToString("N"));
            try
            {
                var a = await cluster.StartAsync("a");
                var options = cluster.Options("b", a);
                options.PersistIdentity = true;
                options.IdentityPath = Path.Combine(directory, "b.identity");
                var b1 = await cluster.StartAsync(options);
                var key = b1.PublicKey;
                b1.SetData("status", "old");
                b1.SetData("stale", "gone after restart");
                await a.WaitForDataAsync("b", "status", "old", TestCluster.Patience);
                var oldVersion = a.GetEntries("b").Single(e => e.Key == "status").Version;
                await b1.StopAsync();
                await a.WaitForPeerAsync("b", DsnPeerStatus.Left, TestCluster.Patience);

                var b2 = await cluster.StartAsync(options);
                Assert.Equal(key, b2.PublicKey);
                await a.WaitForPeerAsync("b", DsnPeerStatus.Alive, TestCluster.Patience);
                b2.SetData("status", "new");
                await a.WaitForDataAsync("b", "status", "new", TestCluster.Patience);
                Assert.True(a.GetEntries("b").Single(e => e.Key == "status").Version > oldVersion);
                // The new run's state replaces the old run's: keys it did not write again are gone.
                await Eventually.HoldsAsync(() => a.GetData("b", "stale") is null, "the previous run's keys are dropped");
            }
            finally
            {
                if (Directory.Exists(directory))
                    Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public async Task A_departed_nodes_last_state_stays_readable_flagged_then_is_forgotten_after_retention()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.DepartedRetention = TimeSpan.FromSeconds(2);
            var a = await cluster.StartAsync(options);
            var b = await cluster.StartAsync("b", a);
            b.SetData("last-words", "bye");
            await a.WaitForDataAsync("b", "last-words", "bye", TestCluster.Patience);
            await b.StopAsync();
            await a.WaitForPeerAsync("b", DsnPeerStatus.Left, TestCluster.Patience);
            var entry = Assert.Single(a.GetEntries("b"));
            Assert.Equal(("bye", DsnPeerStatus.Left), (entry.Value, entry.Status));
            await Eventually.HoldsAsync(() => a.GetPeers().All(p => p.NodeId != "b"), "a forgets b after the retention");
            Assert.Throws<DsnNodeNotFoundException>(() => a.GetState("b"));
            Assert.Null(a.GetData("b", "last-words"));
        }

        private static async Task<DsnNode> StartObservedAsync(TestCluster cluster, string id, DsnNode via, ConcurrentQueue<DsnStateChangedEventArgs> events)
        {
            // Subscribe before any state can arrive: start alone, subscribe, then join.
            var node = await cluster.StartAsync(id);
            node.StateChanged += (_, e) => events.Enqueue(e);
            await node.JoinAsync(new[] { new DsnEndpoint("127.0.0.1", via.LocalEndPoint.Port) });
            return node;
        }
    }
}
