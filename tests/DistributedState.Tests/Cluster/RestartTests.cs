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
    /// <summary>
    /// The scheduled-task pattern: the same NodeId with the same identity file starts, publishes and exits, again
    /// and again, while a long-lived observer watches its state.
    /// </summary>
    public sealed class RestartTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "dsn-restart-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        private DsnNodeOptions PublisherOptions(TestCluster cluster, DsnNode monitor)
        {
            var options = cluster.Options("publisher", monitor);
            options.PersistIdentity = true;
            options.IdentityPath = Path.Combine(_directory, "publisher.identity");
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

        /// <summary>Waits until exactly the expected events have arrived, then checks that they are those, in order.</summary>
        private static async Task AssertEventsAsync(ConcurrentQueue<(string, string?, string?)> seen, List<(string, string?, string?)> expected)
        {
            await Eventually.HoldsAsync(() => seen.Count >= expected.Count, $"{expected.Count} StateChanged events arrived (so far: {string.Join("; ", seen)})");
            Assert.Equal(expected, seen.ToList());
        }

        [Fact]
        public async Task Each_run_replaces_the_last_key_by_key_and_the_last_values_stay_readable_after_it_exits()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var seen = Observe(monitor, "publisher");
            var expected = new List<(string, string?, string?)>();
            long lastVersion = 0;

            for (var run = 1; run <= 3; run++)
            {
                var publisher = await cluster.StartAsync(PublisherOptions(cluster, monitor));
                // Two calls, as a script makes them: both travel in the run's opening.
                publisher.SetData("status", "ok");
                publisher.SetData("run", run.ToString());
                if (run == 1)
                    publisher.SetData("stale", "only in the first run");

                if (run == 1)
                    expected.AddRange(new (string, string?, string?)[] { ("status", null, "ok"), ("run", null, "1"), ("stale", null, "only in the first run") });
                else if (run == 2)
                    expected.AddRange(new (string, string?, string?)[] { ("run", "1", "2"), ("stale", "only in the first run", null) });
                else
                    expected.Add(("run", "2", "3"));
                await AssertEventsAsync(seen, expected);

                var version = monitor.GetEntries("publisher").Single(e => e.Key == "run").Version;
                Assert.True(version > lastVersion, $"run {run}: version {version} is not above {lastVersion}");
                lastVersion = version;

                // Odd runs exit gracefully, even runs vanish as a killed process would.
                if (run % 2 == 1)
                {
                    await publisher.StopAsync();
                    await monitor.WaitForPeerAsync("publisher", DsnPeerStatus.Left, TestCluster.Patience);
                }
                else
                {
                    await publisher.CrashAsync();
                }

                var last = new Dictionary<string, string> { ["run"] = run.ToString(), ["status"] = "ok" };
                if (run == 1)
                    last["stale"] = "only in the first run";
                Assert.Equal(last, monitor.GetState("publisher"));
            }

            var entries = monitor.GetEntries("publisher");
            Assert.All(entries, e => Assert.Equal(DsnPeerStatus.Left, e.Status));
            Assert.Equal(expected, seen.ToList()); // nothing else arrived meanwhile
        }

        [Fact]
        public async Task A_run_that_writes_nothing_removes_the_previous_runs_keys_once_each()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var seen = Observe(monitor, "publisher");
            var first = await cluster.StartAsync(PublisherOptions(cluster, monitor));
            first.SetData(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
            await Eventually.HoldsAsync(() => monitor.GetState("publisher").Count == 2, "the monitor holds the first run's keys");
            await first.StopAsync();
            await monitor.WaitForPeerAsync("publisher", DsnPeerStatus.Left, TestCluster.Patience);

            var second = await cluster.StartAsync(PublisherOptions(cluster, monitor));
            await monitor.WaitForPeerAsync("publisher", DsnPeerStatus.Alive, TestCluster.Patience);
            // Until the new run opens, the monitor still reads the previous run's values.
            Assert.Equal(2, monitor.GetState("publisher").Count);
            await Eventually.HoldsAsync(() => monitor.GetState("publisher").Count == 0, "the empty opening removes the previous run's keys",
                TestCluster.Patience + DsnNode.OpeningDeadline);
            await Eventually.HoldsAsync(() => seen.Count >= 4, "two additions and two removals arrived");
            var removals = seen.Skip(2).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(new (string, string?, string?)[] { ("a", "1", null), ("b", "2", null) }, removals);
            Assert.True(second.IsRunning);
        }

        [Fact]
        public async Task Only_a_run_whose_previous_run_the_network_holds_holds_its_opening()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var first = await cluster.StartAsync(PublisherOptions(cluster, monitor));
            Assert.False(first.IsRunOpeningHeld); // nobody held a previous run: its writes go out at once
            await first.StopAsync();
            await monitor.WaitForPeerAsync("publisher", DsnPeerStatus.Left, TestCluster.Patience);

            var second = await cluster.StartAsync(PublisherOptions(cluster, monitor));
            Assert.True(second.IsRunOpeningHeld); // the monitor holds the first run: wait for this run's writes
            second.SetData("status", "ok");
            await monitor.WaitForDataAsync("publisher", "status", "ok", TestCluster.Patience);
            Assert.False(second.IsRunOpeningHeld);
        }
    }
}
