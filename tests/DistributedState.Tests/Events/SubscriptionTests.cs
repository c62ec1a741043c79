using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Events
{
    /// <summary>Filtered subscriptions on real loopback nodes: only matches are queued, the queue is bounded, drops are counted.</summary>
    public sealed class SubscriptionTests
    {
        [Fact]
        public async Task Only_matching_owners_and_keys_reach_the_handler_in_order()
        {
            await using var cluster = new TestCluster();
            var console = await cluster.StartAsync("console");
            var web = await cluster.StartAsync("web1", console);
            var db = await cluster.StartAsync("db1", console);
            var seen = new ConcurrentQueue<string>();
            using var subscription = console.Subscribe(new DsnEventFilter
            {
                Kinds = DsnEventKinds.StateChanged,
                NodeIdMatches = id => id.StartsWith("web", StringComparison.OrdinalIgnoreCase),
                KeyMatches = key => key == "cpu",
            });
            object? sentBy = null;
            subscription.StateChanged += (sender, e) =>
            {
                sentBy = sender;
                seen.Enqueue($"{e.NodeId}.{e.Key}={e.NewValue}");
            };

            db.SetData("cpu", "99");
            web.SetData("mem", "1");
            for (var i = 1; i <= 5; i++)
                web.SetData("cpu", i.ToString());
            // The owner may coalesce quick writes into one batch, so the console sees some of them, in order, ending at 5.
            await Eventually.HoldsAsync(() => seen.LastOrDefault() == "web1.cpu=5" && console.GetData("db1", "cpu") == "99" && console.GetData("web1", "mem") == "1",
                "web1's last cpu change arrives");
            var values = seen.Select(s => s.StartsWith("web1.cpu=", StringComparison.Ordinal) ? int.Parse(s.Substring(9)) : -1).ToList();
            Assert.All(values, v => Assert.InRange(v, 1, 5));
            Assert.Equal(values.OrderBy(v => v), values);
            Assert.Equal(seen.Count, subscription.Raised);
            Assert.Equal(0, subscription.Dropped);
            Assert.Same(console, sentBy); // raised with the node as sender, as the node's own events are
        }

        [Fact]
        public async Task A_slow_handler_fills_only_its_own_bounded_queue_and_the_drops_are_counted()
        {
            await using var cluster = new TestCluster();
            var console = await cluster.StartAsync("console");
            var writer = await cluster.StartAsync("writer", console);
            using var gate = new ManualResetEventSlim();
            var nodeEvents = 0;
            console.StateChanged += (_, e) => Interlocked.Increment(ref nodeEvents);
            using var subscription = console.Subscribe(new DsnEventFilter { Kinds = DsnEventKinds.StateChanged }, queueCapacity: 10);
            subscription.StateChanged += (_, e) => gate.Wait();

            for (var i = 0; i < 200; i++)
                writer.SetData("k" + i, "v");
            await Eventually.HoldsAsync(() => Volatile.Read(ref nodeEvents) == 200, "the node's own handler gets every change");
            await Eventually.HoldsAsync(() => subscription.Dropped >= 200 - 10 - 1, "the subscription drops what exceeds its queue");
            gate.Set();
            await Eventually.HoldsAsync(() => subscription.Raised + subscription.Dropped == 200, "every match is raised or counted as dropped");
            Assert.InRange(subscription.Raised, 1, 11); // the one being handled plus a full queue
        }

        [Fact]
        public async Task Peer_events_and_direct_messages_are_filtered_by_the_member_too()
        {
            await using var cluster = new TestCluster();
            var console = await cluster.StartAsync("console");
            var joined = new ConcurrentQueue<string>();
            var messages = new ConcurrentQueue<string>();
            using var subscription = console.Subscribe(new DsnEventFilter
            {
                Kinds = DsnEventKinds.PeerJoined | DsnEventKinds.DataReceived,
                NodeIdMatches = id => id.StartsWith("web", StringComparison.Ordinal),
            });
            subscription.PeerJoined += (_, e) => joined.Enqueue(e.NodeId);
            subscription.DataReceived += (_, e) => messages.Enqueue(e.SenderId);
            subscription.StateChanged += (_, e) => throw new InvalidOperationException("StateChanged is not subscribed");

            var web = await cluster.StartAsync("web1", console);
            var db = await cluster.StartAsync("db1", console);
            db.SetData("x", "1");
            await db.SendAsync("console", new byte[] { 1 });
            await web.SendAsync("console", new byte[] { 2 });
            await Eventually.HoldsAsync(() => messages.Count == 1 && joined.Count == 1, "web1's join and message arrive");
            Assert.Equal(new[] { "web1" }, joined);
            Assert.Equal(new[] { "web1" }, messages);
            Assert.Equal(0, subscription.HandlerFaults);
        }

        [Fact]
        public async Task Disposing_or_stopping_ends_a_subscription_and_bad_arguments_are_refused()
        {
            await using var cluster = new TestCluster();
            var node = await cluster.StartAsync("a");
            var error = Assert.Throws<DsnArgumentException>(() => node.Subscribe(new DsnEventFilter(), queueCapacity: 0));
            Assert.Equal("queueCapacity", error.ParamName);
            Assert.Throws<ArgumentNullException>(() => node.Subscribe(null!));

            var disposed = node.Subscribe(new DsnEventFilter());
            var count = 0;
            disposed.StateChanged += (_, e) => Interlocked.Increment(ref count);
            disposed.Dispose();
            Assert.False(disposed.IsActive);
            var live = node.Subscribe(new DsnEventFilter());
            var liveCount = 0;
            live.StateChanged += (_, e) => Interlocked.Increment(ref liveCount);
            node.SetData("k", "v");
            await Eventually.HoldsAsync(() => Volatile.Read(ref liveCount) == 1, "the live subscription gets the change");
            Assert.Equal(0, Volatile.Read(ref count));

            await node.StopAsync();
            Assert.False(live.IsActive);
            Assert.Throws<DsnNodeStoppedException>(() => node.Subscribe(new DsnEventFilter()));
        }
    }
}
