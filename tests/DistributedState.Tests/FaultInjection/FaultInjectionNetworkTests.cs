using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Transport;
using DistributedState.Transport.FaultInjection;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.FaultInjection
{
    /// <summary>The fault-injection transport on its own: connections, each fault, cuts, partitions, seeds, limits.</summary>
    public sealed class FaultInjectionNetworkTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

        private static async Task<(IDsnConnection Client, IDsnConnection Server, IDsnListener Listener)> ConnectAsync(
            FaultInjectionNetwork network, string from = "a", string to = "b")
        {
            var source = network.AddHost(from);
            var target = network.AddHost(to);
            var listener = await target.ListenAsync(target.Address, 0, CancellationToken.None);
            var accept = listener.AcceptAsync(CancellationToken.None);
            var client = await source.ConnectAsync(target.EndPoint(listener.LocalEndPoint.Port), Timeout, CancellationToken.None);
            var server = await accept.WaitAsync(Timeout);
            return (client, server, listener);
        }

        private static byte[] Numbered(int i, int size = 16)
        {
            var frame = new byte[size];
            BinaryPrimitives.WriteInt32BigEndian(frame, i);
            return frame;
        }

        private static async Task SendAllAsync(IDsnConnection connection, int count, int size = 16)
        {
            for (var i = 0; i < count; i++)
                await connection.SendAsync(new ArraySegment<byte>(Numbered(i, size)), CancellationToken.None);
        }

        /// <summary>Reads until the writer's close arrives (every test closes the writer after sending).</summary>
        private static async Task<List<byte[]>> ReadToEndAsync(IDsnConnection connection)
        {
            var frames = new List<byte[]>();
            while (true)
            {
                var frame = await connection.ReceiveAsync(1 << 20, CancellationToken.None).WaitAsync(Timeout);
                if (frame is null)
                    return frames;
                frames.Add(frame);
            }
        }

        private static int Number(byte[] frame) => BinaryPrimitives.ReadInt32BigEndian(frame);

        [Fact]
        public async Task Frames_cross_a_clean_link_whole_and_in_order_both_ways()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            await SendAllAsync(client, 100, size: 1000);
            await SendAllAsync(server, 50);
            var back = new List<int>();
            for (var i = 0; i < 50; i++)
                back.Add(Number((await client.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout))!));
            Assert.Equal(Enumerable.Range(0, 50), back);
            client.Dispose();
            var atServer = await ReadToEndAsync(server);
            Assert.Equal(Enumerable.Range(0, 100), atServer.Select(Number));
            Assert.All(atServer, f => Assert.Equal(1000, f.Length));
            Assert.Equal(150, network.GetStatistics().FramesDelivered);
            Assert.Equal(0, network.GetStatistics().FramesDelayed);
        }

        [Fact]
        public async Task A_disposed_end_fails_its_own_reads_and_sends_and_the_other_end_sees_the_close_after_the_frames()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            var pending = server.ReceiveAsync(100, CancellationToken.None);
            await SendAllAsync(client, 3);
            Assert.Equal(0, Number((await pending.WaitAsync(Timeout))!));
            client.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ReceiveAsync(100, CancellationToken.None));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(new ArraySegment<byte>(new byte[1]), CancellationToken.None));
            Assert.Equal(new[] { 1, 2 }, (await ReadToEndAsync(server)).Select(Number));
            Assert.Null(await server.ReceiveAsync(100, CancellationToken.None)); // the end of the stream stays the end
            var reset = await Assert.ThrowsAsync<IOException>(() => server.SendAsync(new ArraySegment<byte>(new byte[1]), CancellationToken.None));
            Assert.Contains("reset", reset.Message);
            Assert.Equal(1, network.GetStatistics().ConnectionsReset);
        }

        [Fact]
        public async Task Disposing_an_end_wakes_a_pending_read_and_cancellation_ends_one()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            using var cancel = new CancellationTokenSource();
            var read = server.ReceiveAsync(100, cancel.Token);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Timeout));
            var another = client.ReceiveAsync(100, CancellationToken.None);
            client.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => another.WaitAsync(Timeout));
        }

        [Fact]
        public async Task A_frame_over_the_receivers_limit_throws_InvalidDataException()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            await client.SendAsync(new ArraySegment<byte>(new byte[101]), CancellationToken.None);
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => server.ReceiveAsync(100, CancellationToken.None));
            Assert.Contains("101", error.Message);
        }

        [Fact]
        public async Task Sending_copies_the_frame_so_the_caller_may_reuse_its_buffer()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            var buffer = new byte[] { 0, 1, 2, 3, 4, 5 };
            await client.SendAsync(new ArraySegment<byte>(buffer, 1, 3), CancellationToken.None);
            buffer[2] = 99;
            Assert.Equal(new byte[] { 1, 2, 3 }, await server.ReceiveAsync(100, CancellationToken.None));
        }

        [Fact]
        public async Task Connecting_where_nobody_listens_is_refused_at_once_like_TCP()
        {
            using var network = new FaultInjectionNetwork(1);
            var a = network.AddHost("a");
            var b = network.AddHost("b");
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<IOException>(() => a.ConnectAsync(b.EndPoint(7946), Timeout, CancellationToken.None));
            Assert.Contains("ConnectionRefused", error.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
            var unknown = await Assert.ThrowsAsync<IOException>(() => a.ConnectAsync(new DsnEndpoint("nowhere", 1), Timeout, CancellationToken.None));
            Assert.Contains("resolved to no address", unknown.Message);
            await Assert.ThrowsAsync<IOException>(() => a.ConnectAsync(new DsnEndpoint("10.99.99.99", 1), Timeout, CancellationToken.None));
            Assert.Equal(1, network.GetStatistics().ConnectsRefused);
        }

        [Fact]
        public async Task Hosts_are_reachable_by_address_name_and_loopback_and_a_closed_listener_refuses()
        {
            using var network = new FaultInjectionNetwork(1);
            var a = network.AddHost("a");
            var b = network.AddHost("b");
            var listener = await b.ListenAsync(IPAddress.Any, 7000, CancellationToken.None);
            Assert.Equal(new IPEndPoint(b.Address, 7000), listener.LocalEndPoint);
            (await a.ConnectAsync(new DsnEndpoint("b", 7000), Timeout, CancellationToken.None)).Dispose();
            (await a.ConnectAsync(new DsnEndpoint(b.Address.ToString(), 7000), Timeout, CancellationToken.None)).Dispose();
            (await b.ConnectAsync(new DsnEndpoint("127.0.0.1", 7000), Timeout, CancellationToken.None)).Dispose();
            await Assert.ThrowsAsync<IOException>(() => a.ConnectAsync(new DsnEndpoint("127.0.0.1", 7000), Timeout, CancellationToken.None));
            Assert.Same(b, network.AddHost("b"));
            Assert.NotEqual(a.Address, b.Address);

            var accept = listener.AcceptAsync(CancellationToken.None);
            await accept.WaitAsync(Timeout);
            listener.Dispose();
            var refused = await Assert.ThrowsAsync<IOException>(() => a.ConnectAsync(new DsnEndpoint("b", 7000), Timeout, CancellationToken.None));
            Assert.Contains("ConnectionRefused", refused.Message);
        }

        [Fact]
        public async Task Ports_behave_like_TCP_ports()
        {
            using var network = new FaultInjectionNetwork(1);
            var a = network.AddHost("a");
            var first = await a.ListenAsync(a.Address, 0, CancellationToken.None);
            var second = await a.ListenAsync(a.Address, 0, CancellationToken.None);
            Assert.NotEqual(first.LocalEndPoint.Port, second.LocalEndPoint.Port);
            await Assert.ThrowsAsync<SocketException>(() => a.ListenAsync(a.Address, first.LocalEndPoint.Port, CancellationToken.None));
            await Assert.ThrowsAsync<SocketException>(async () => await a.ListenAsync(IPAddress.Parse("192.0.2.1"), 0, CancellationToken.None));
            first.Dispose();
            (await a.ListenAsync(a.Address, first.LocalEndPoint.Port, CancellationToken.None)).Dispose();
            using var cancel = new CancellationTokenSource();
            var accept = second.AcceptAsync(cancel.Token);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept.WaitAsync(Timeout));
            var afterDispose = second.AcceptAsync(CancellationToken.None);
            second.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => afterDispose.WaitAsync(Timeout));
        }

        [Fact]
        public async Task A_cut_link_makes_connects_time_out_in_either_direction_and_Heal_restores_it()
        {
            using var network = new FaultInjectionNetwork(1);
            var a = network.AddHost("a");
            var b = network.AddHost("b");
            var listener = await b.ListenAsync(b.Address, 0, CancellationToken.None);
            var target = b.EndPoint(listener.LocalEndPoint.Port);
            network.Cut("b", "a", LinkDirection.OneWay); // only the answers are lost, yet no connection forms
            Assert.True(network.IsCut("b", "a"));
            Assert.False(network.IsCut("a", "b"));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<TimeoutException>(() => a.ConnectAsync(target, TimeSpan.FromMilliseconds(300), CancellationToken.None));
            Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
            using (var cancel = new CancellationTokenSource(100))
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.ConnectAsync(target, Timeout, cancel.Token));
            network.Heal();
            (await a.ConnectAsync(target, Timeout, CancellationToken.None)).Dispose();
            Assert.Equal(1, network.GetStatistics().ConnectsTimedOut);
        }

        [Fact]
        public async Task A_one_way_cut_loses_frames_in_that_direction_only_and_the_connection_survives_it()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            network.Cut("a", "b", LinkDirection.OneWay);
            await SendAllAsync(client, 10);
            await SendAllAsync(server, 10);
            var back = new List<int>();
            for (var i = 0; i < 10; i++)
                back.Add(Number((await client.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout))!));
            Assert.Equal(Enumerable.Range(0, 10), back);
            network.Restore("a", "b");
            await client.SendAsync(new ArraySegment<byte>(Numbered(42)), CancellationToken.None);
            Assert.Equal(42, Number((await server.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout))!));
            Assert.Equal(10, network.GetStatistics().FramesLostToCuts);
        }

        [Fact]
        public async Task Frames_in_flight_vanish_when_their_link_is_cut_and_a_close_across_a_cut_goes_unnoticed()
        {
            using var network = new FaultInjectionNetwork(1);
            var (client, server, _) = await ConnectAsync(network);
            network.SetFaults("a", "b", new LinkFaults { Delay = TimeSpan.FromMilliseconds(300) });
            await SendAllAsync(client, 5);
            Assert.Equal(5, network.FramesInFlight);
            network.Partition(new[] { "a" }, new[] { "b" });
            await Eventually.HoldsAsync(() => network.FramesInFlight == 0, "the delayed frames came due");
            Assert.Equal(5, network.GetStatistics().FramesLostToCuts);
            client.Dispose(); // its close vanishes too
            network.Heal();
            network.ResetFaults("a", "b");
            using var quiet = new CancellationTokenSource(200);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.ReceiveAsync(100, quiet.Token));
            // The server learns of the close when it next sends, as it would from a TCP reset.
            await Assert.ThrowsAsync<IOException>(() => server.SendAsync(new ArraySegment<byte>(new byte[1]), CancellationToken.None));
        }

        [Fact]
        public async Task Partition_cuts_between_groups_only_and_leaves_unnamed_hosts_connected()
        {
            using var network = new FaultInjectionNetwork(1);
            foreach (var name in new[] { "a1", "a2", "b1", "b2", "x" })
                network.AddHost(name);
            network.Partition(new[] { "a1", "a2" }, new[] { "b1", "b2" });
            Assert.False(network.IsCut("a1", "a2"));
            Assert.False(network.IsCut("b2", "b1"));
            Assert.True(network.IsCut("a1", "b1"));
            Assert.True(network.IsCut("b2", "a2"));
            Assert.False(network.IsCut("x", "a1"));
            Assert.False(network.IsCut("b1", "x"));
            network.Isolate("x");
            Assert.True(network.IsCut("x", "a1"));
            Assert.True(network.IsCut("b1", "x"));
            network.Partition(new[] { "a1", "b1" }, new[] { "a2", "b2" }); // replaces the first partition
            Assert.False(network.IsCut("a1", "b1"));
            Assert.True(network.IsCut("a1", "a2"));
            Assert.True(network.IsCut("x", "a1")); // isolation is separate
            network.Heal();
            Assert.False(network.IsCut("a1", "a2"));
            Assert.False(network.IsCut("x", "b2"));
            Assert.Throws<ArgumentException>(() => network.Partition(new[] { "a1" }, new[] { "a1" }));
            Assert.Throws<ArgumentException>(() => network.Partition(new[] { "a1" }, new[] { "nobody" }));
            Assert.Throws<ArgumentException>(() => network.Partition(new[] { "a1" }));
        }

        [Fact]
        public async Task Drop_loses_about_the_given_share_of_frames_and_counts_them()
        {
            using var network = new FaultInjectionNetwork(7);
            network.DefaultFaults = new LinkFaults { DropProbability = 0.3 };
            var (client, server, _) = await ConnectAsync(network);
            await SendAllAsync(client, 4000);
            client.Dispose();
            var received = await ReadToEndAsync(server);
            var stats = network.GetStatistics();
            Assert.InRange(received.Count, 2600, 3000);
            Assert.Equal(4000 - received.Count, stats.FramesDropped);
            Assert.True(received.Select(Number).SequenceEqual(received.Select(Number).OrderBy(n => n)), "drops never reorder");
        }

        [Fact]
        public async Task The_same_seed_replays_the_same_faults_and_another_seed_does_not()
        {
            async Task<string> RunAsync(int seed)
            {
                using var network = new FaultInjectionNetwork(seed);
                network.DefaultFaults = new LinkFaults { DropProbability = 0.2, DuplicateProbability = 0.1, CorruptProbability = 0.1 };
                var (client, server, _) = await ConnectAsync(network);
                await SendAllAsync(client, 500);
                client.Dispose();
                return string.Join(",", (await ReadToEndAsync(server)).Select(f => Convert.ToBase64String(f)));
            }

            var first = await RunAsync(12345);
            Assert.Equal(first, await RunAsync(12345));
            Assert.NotEqual(first, await RunAsync(54321));
        }

        [Fact]
        public async Task Each_link_has_its_own_stream_so_traffic_elsewhere_does_not_change_a_links_faults()
        {
            async Task<string> RunAsync(bool busyNeighbour)
            {
                using var network = new FaultInjectionNetwork(99);
                network.DefaultFaults = new LinkFaults { DropProbability = 0.5 };
                var (client, server, _) = await ConnectAsync(network);
                if (busyNeighbour)
                {
                    var (other, _, _) = await ConnectAsync(network, "c", "d");
                    await SendAllAsync(other, 300);
                }

                await SendAllAsync(client, 200);
                client.Dispose();
                return string.Join(",", (await ReadToEndAsync(server)).Select(Number));
            }

            Assert.Equal(await RunAsync(false), await RunAsync(true));
        }

        [Fact]
        public async Task Delay_and_jitter_hold_frames_back_but_keep_their_order()
        {
            using var network = new FaultInjectionNetwork(3);
            network.DefaultFaults = new LinkFaults { Delay = TimeSpan.FromMilliseconds(40), Jitter = TimeSpan.FromMilliseconds(50) };
            var (client, server, _) = await ConnectAsync(network);
            var watch = Stopwatch.StartNew();
            await client.SendAsync(new ArraySegment<byte>(Numbered(0)), CancellationToken.None);
            await server.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout);
            Assert.True(watch.ElapsedMilliseconds >= 39, $"arrived after {watch.ElapsedMilliseconds} ms");
            await SendAllAsync(client, 200);
            client.Dispose();
            var received = (await ReadToEndAsync(server)).Select(Number).ToList();
            Assert.Equal(Enumerable.Range(0, 200), received);
            Assert.Equal(201, network.GetStatistics().FramesDelayed);
        }

        [Fact]
        public async Task Duplicate_delivers_a_second_copy_right_after_the_first()
        {
            using var network = new FaultInjectionNetwork(3);
            network.DefaultFaults = new LinkFaults { DuplicateProbability = 1 };
            var (client, server, _) = await ConnectAsync(network);
            await SendAllAsync(client, 20);
            client.Dispose();
            var received = (await ReadToEndAsync(server)).Select(Number).ToList();
            Assert.Equal(Enumerable.Range(0, 20).SelectMany(i => new[] { i, i }), received);
            Assert.Equal(20, network.GetStatistics().FramesDuplicated);
            Assert.Equal(40, network.GetStatistics().FramesDelivered);
        }

        [Fact]
        public async Task Reorder_lets_later_frames_overtake_a_held_back_one()
        {
            using var network = new FaultInjectionNetwork(3);
            network.DefaultFaults = new LinkFaults { ReorderProbability = 0.2, ReorderDelay = TimeSpan.FromMilliseconds(30) };
            var (client, server, _) = await ConnectAsync(network);
            await SendAllAsync(client, 300);
            await Eventually.HoldsAsync(() => network.FramesInFlight == 0, "the held-back frames came due");
            client.Dispose();
            var received = (await ReadToEndAsync(server)).Select(Number).ToList();
            Assert.Equal(Enumerable.Range(0, 300), received.OrderBy(n => n));
            var reordered = network.GetStatistics().FramesReordered;
            Assert.InRange(reordered, 30, 90);
            Assert.NotEqual(Enumerable.Range(0, 300), received);
            // The held-back frames arrive after all the others (they were sent in a burst shorter than the hold).
            Assert.Equal(received.Take(300 - (int)reordered), received.Take(300 - (int)reordered).OrderBy(n => n));
        }

        [Fact]
        public async Task Corrupt_flips_exactly_one_bit()
        {
            using var network = new FaultInjectionNetwork(3);
            network.DefaultFaults = new LinkFaults { CorruptProbability = 1 };
            var (client, server, _) = await ConnectAsync(network);
            var original = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
            for (var i = 0; i < 50; i++)
                await client.SendAsync(new ArraySegment<byte>(original), CancellationToken.None);
            client.Dispose();
            var received = await ReadToEndAsync(server);
            Assert.Equal(50, received.Count);
            foreach (var frame in received)
            {
                var flipped = frame.Zip(original, (x, y) => x ^ y).Sum(d => System.Numerics.BitOperations.PopCount((uint)d));
                Assert.Equal(1, flipped);
            }

            Assert.True(received.Select(Convert.ToBase64String).Distinct().Count() > 10, "the flipped bit varies");
            Assert.Equal(50, network.GetStatistics().FramesCorrupted);
        }

        [Fact]
        public async Task Protected_frames_are_spared_so_a_handshake_survives_a_lossy_link()
        {
            using var network = new FaultInjectionNetwork(3);
            network.DefaultFaults = new LinkFaults { DropProbability = 1, ProtectedFrames = 2 };
            var (client, server, _) = await ConnectAsync(network);
            await SendAllAsync(client, 10);
            await SendAllAsync(server, 10);
            Assert.Equal(0, Number((await server.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout))!));
            Assert.Equal(1, Number((await server.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout))!));
            Assert.Equal(0, Number((await client.ReceiveAsync(100, CancellationToken.None).WaitAsync(Timeout))!));
            Assert.Equal(16, network.GetStatistics().FramesDropped);
        }

        [Fact]
        public async Task One_way_faults_apply_to_one_direction()
        {
            using var network = new FaultInjectionNetwork(3);
            var (client, server, _) = await ConnectAsync(network);
            network.SetFaults("b", "a", new LinkFaults { DropProbability = 1 }, LinkDirection.OneWay);
            Assert.Equal(1, network.GetFaults("b", "a").DropProbability);
            Assert.Equal(0, network.GetFaults("a", "b").DropProbability);
            await SendAllAsync(client, 5);
            await SendAllAsync(server, 5);
            client.Dispose();
            Assert.Equal(Enumerable.Range(0, 5), (await ReadToEndAsync(server)).Select(Number));
            Assert.Equal(5, network.GetStatistics().FramesDropped);
        }

        [Fact]
        public async Task A_writer_waits_while_the_receive_window_is_full_like_a_full_socket_buffer()
        {
            using var network = new FaultInjectionNetwork(3) { ReceiveWindowBytes = 10_000 };
            var (client, server, _) = await ConnectAsync(network);
            await SendAllAsync(client, 9, size: 1000);
            await client.SendAsync(new ArraySegment<byte>(new byte[1000]), CancellationToken.None);
            var blocked = client.SendAsync(new ArraySegment<byte>(new byte[1000]), CancellationToken.None);
            await Task.Delay(100); // a window over which the write must stay blocked, not a wait for a condition
            Assert.False(blocked.IsCompleted);
            await server.ReceiveAsync(2000, CancellationToken.None);
            await blocked.WaitAsync(Timeout);

            using var cancel = new CancellationTokenSource(100);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(new ArraySegment<byte>(new byte[1000]), cancel.Token).WaitAsync(Timeout));
        }

        [Fact]
        public async Task Options_are_validated_with_clear_messages()
        {
            using var network = new FaultInjectionNetwork(3);
            Assert.Contains("between 0 and 1", Assert.Throws<ArgumentException>(() => network.DefaultFaults = new LinkFaults { DropProbability = 1.5 }).Message);
            Assert.Throws<ArgumentException>(() => network.DefaultFaults = new LinkFaults { Jitter = TimeSpan.FromSeconds(-1) });
            Assert.Throws<ArgumentException>(() => network.AddHost("bad name"));
            Assert.Throws<ArgumentException>(() => network.AddHost("10.0.0.1"));
            Assert.Throws<ArgumentException>(() => network.GetHost("nobody"));
            var faults = new LinkFaults { DropProbability = 0.5 };
            network.DefaultFaults = faults;
            faults.DropProbability = 0.9; // the network kept its own copy
            Assert.Equal(0.5, network.DefaultFaults.DropProbability);
            Assert.Contains("seed 3", network.ToString());
            await Task.CompletedTask;
        }

        [Fact]
        public async Task Two_nodes_run_over_the_network_and_a_crashed_node_is_refused()
        {
            using var network = new FaultInjectionNetwork(5);
            var key = DsnNetworkKey.Generate();
            DsnNodeOptions Options(string id) => network.AddHost(id).Configure(new DsnNodeOptions { NodeId = id, Port = 0, NetworkKey = key, PersistIdentity = false });
            await using var a = await DsnNode.StartAsync(Options("a"));
            var bOptions = Options("b");
            bOptions.BootstrapNodes.Add(network.GetHost("a").EndPoint(a.LocalEndPoint.Port));
            await using var b = await DsnNode.StartAsync(bOptions);
            Assert.Equal(network.GetHost("a").Address, a.LocalEndPoint.Address);
            b.SetData("k", "v");
            Assert.Equal("v", await a.WaitForDataAsync("b", "k", "v", TestCluster.Patience));
            await b.CrashAsync();
            await a.WaitForPeerAsync("b", DsnPeerStatus.Failed, TestCluster.Patience);
            Assert.True(network.GetStatistics().ConnectsRefused > 0);
        }

        [Fact]
        public async Task A_connection_costs_little_memory()
        {
            using var network = new FaultInjectionNetwork(5);
            var hosts = Enumerable.Range(0, 50).Select(i => network.AddHost("h" + i)).ToList();
            var listeners = new List<IDsnListener>();
            foreach (var host in hosts)
                listeners.Add(await host.ListenAsync(host.Address, 0, CancellationToken.None));
            var connections = new List<IDsnConnection>();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            foreach (var from in hosts)
            {
                foreach (var listener in listeners)
                {
                    connections.Add(await from.ConnectAsync(new DsnEndpoint(listener.LocalEndPoint.Address.ToString(), listener.LocalEndPoint.Port), Timeout, CancellationToken.None));
                    connections.Add(await listener.AcceptAsync(CancellationToken.None));
                }
            }

            var perConnection = (GC.GetTotalMemory(forceFullCollection: true) - before) / (connections.Count / 2.0);
            Assert.True(perConnection < 2048, $"a connection (both ends, its links included) costs {perConnection:0} bytes");
            GC.KeepAlive(connections);
        }
    }
}
