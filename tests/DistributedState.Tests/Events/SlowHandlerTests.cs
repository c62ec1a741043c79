using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Events
{
    /// <summary>
    /// Failure detection and acknowledgements never wait on event consumers: real loopback nodes, one of them with a
    /// StateChanged handler that is slow in the two ways seen in the field, while another bursts thousands of writes.
    /// </summary>
    public sealed class SlowHandlerTests
    {
        private const int Burst = 3000;

        [Fact]
        public Task A_handler_that_blocks_does_not_make_its_node_look_dead() =>
            BurstWhileHandlerIsSlowAsync(gate => (_, e) => gate.Wait(), expectDrops: true);

        /// <summary>
        /// What PowerShell's Register-ObjectEvent does: the handler returns at once but hands each event to the thread
        /// pool, where the work blocks (on an idle session, then a 100 ms sleep while actions are pending). The handler
        /// is an instance of a class derived from PowerShell's handler base class (a stand-in of the same name), which
        /// is how the dispatcher recognises the subscribers it must pace.
        /// </summary>
        [Fact]
        public Task A_PowerShell_handler_that_hands_each_event_to_the_thread_pool_where_it_blocks_does_not_starve_the_node() =>
            BurstWhileHandlerIsSlowAsync(gate => new PowerShellLikeHandler(() => ThreadPool.QueueUserWorkItem(_ => gate.Wait(50))).Handle, expectDrops: false);

        private sealed class PowerShellLikeHandler : System.Management.Automation.PSEventHandler
        {
            private readonly Action _queueWork;

            public PowerShellLikeHandler(Action queueWork) => _queueWork = queueWork;

            public void Handle(object? sender, DsnStateChangedEventArgs e) => _queueWork();
        }

        private static async Task BurstWhileHandlerIsSlowAsync(Func<ManualResetEventSlim, EventHandler<DsnStateChangedEventArgs>> slow, bool expectDrops)
        {
            await using var cluster = new TestCluster();
            var gate = new ManualResetEventSlim(); // not disposed: work the handler queued may still wait on it after the test
            var writer = await cluster.StartAsync("writer");
            var slowOptions = cluster.Options("slow", writer);
            slowOptions.EventQueueCapacity = 500;
            var slowNode = await cluster.StartAsync(slowOptions);
            var monitor = await cluster.StartAsync("monitor", writer);
            await cluster.WaitForMembershipAsync(cluster.Nodes, new[] { "writer", "slow", "monitor" });

            var changes = new ConcurrentQueue<string>();
            foreach (var watcher in new[] { writer, monitor })
                watcher.PeerStatusChanged += (_, e) => changes.Enqueue($"{watcher.NodeId} saw {e.Peer.NodeId} {e.OldStatus}->{e.Peer.Status}");
            slowNode.StateChanged += slow(gate);

            try
            {
                for (var i = 0; i < Burst; i++)
                    writer.SetData("k" + i, i.ToString());

                var slowest = TimeSpan.Zero;
                for (var i = 0; i < 20; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await writer.SendAsync("slow", new byte[] { 1 }).WaitAsync(TestCluster.Patience);
                    slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
                    await Task.Delay(100); // spreads the sends over the two seconds after the burst
                }

                await slowNode.WaitForDataAsync("writer", "k" + (Burst - 1), (Burst - 1).ToString(), TestCluster.Patience);
                Assert.True(slowest < TimeSpan.FromSeconds(1), $"a send to the node with the slow handler took {slowest.TotalMilliseconds:0} ms");
                Assert.Empty(changes);
                foreach (var node in cluster.Nodes)
                    Assert.All(node.GetPeers(), p => Assert.Equal(DsnPeerStatus.Alive, p.Status));
                if (expectDrops)
                    Assert.True(slowNode.GetStatistics()["events.dropped"] > 0, "events beyond the queue's capacity are dropped and counted");
            }
            finally
            {
                gate.Set(); // lets the handler and its queued work finish, so the nodes stop promptly
            }
        }
    }
}

namespace System.Management.Automation
{
    /// <summary>
    /// Stand-in, for tests only, for the base class of the handlers PowerShell's Register-ObjectEvent subscribes: the
    /// runtime recognises PowerShell's subscribers by this type name (DistributedState.Events.PoolQueuingHandlers).
    /// </summary>
    internal class PSEventHandler
    {
    }
}
