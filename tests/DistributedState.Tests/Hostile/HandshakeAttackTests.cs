using System;
using System.Buffers.Binary;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Security;
using DistributedState.Tests.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>Attacks before or during authentication: garbage, wrong keys, impostors, the allow-list.</summary>
    public sealed class HandshakeAttackTests : HostileTestBase
    {
        [Fact]
        public async Task Garbage_before_the_handshake_is_dropped_counted_and_the_node_keeps_serving()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var port = a.LocalEndPoint.Port;

            // A frame of the right length for a hello, but garbage.
            using var wrongHello = await RawConnection.ConnectAsync(port);
            var frame = new byte[4 + 53];
            BinaryPrimitives.WriteUInt32BigEndian(frame, 53);
            RandomNumberGenerator.Fill(frame.AsSpan(4));
            frame[4] = (byte)'X';
            await wrongHello.SendRawAsync(frame);
            // A short frame of garbage.
            using var shortGarbage = await RawConnection.ConnectAsync(port);
            await shortGarbage.SendRawAsync(new byte[] { 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
            // Another protocol altogether: its first four bytes read as a 1.2 GB frame length.
            using var http = await RawConnection.ConnectAsync(port);
            await http.SendRawAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
            // Random noise.
            using var noise = await RawConnection.ConnectAsync(port);
            await noise.SendRawAsync(RandomNumberGenerator.GetBytes(5000));
            // An empty frame.
            using var empty = await RawConnection.ConnectAsync(port);
            await empty.SendRawAsync(new byte[4]);

            foreach (var connection in new[] { wrongHello, shortGarbage, http, noise, empty })
                Assert.True(await connection.ClosedByPeerWithinAsync(Quick), "the node closes a connection that starts with garbage");

            await CounterReachesAsync(a, "handshake.malformed", 3);
            await CounterReachesAsync(a, "handshake.failed", 1); // the oversized "frame"
            Assert.Equal(0, Counter(a, "sessions.opened"));
            Assert.Single(a.GetPeers());

            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task A_valid_handshake_with_a_wrong_key_is_refused_without_revealing_anything()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            a.SetData("secret", "value");

            var refused = await Assert.ThrowsAsync<HandshakeException>(() => HostilePeer.JoinAsync(a, DsnNetworkKey.Generate(), "mallory"));
            Assert.Equal("handshake.closed_by_peer", refused.Counter);
            var refused128 = await Assert.ThrowsAsync<HandshakeException>(() => HostilePeer.JoinAsync(a, DsnNetworkKey.Generate(128), "mallory"));
            Assert.Equal("handshake.closed_by_peer", refused128.Counter);

            await CounterReachesAsync(a, "handshake.bad_key", 2);
            Assert.Equal(0, Counter(a, "sessions.opened"));
            Assert.Single(a.GetPeers());

            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task A_hello_of_another_protocol_version_is_refused_with_its_counter()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var port = a.LocalEndPoint.Port;

            // A node of an older release: protocol version 1, whose hello authenticates with the right key.
            using var v1 = await RawConnection.ConnectAsync(port);
            await v1.SendAsync(new ArraySegment<byte>(HandshakeWire.HelloOfVersion1(cluster.Key.Bytes)), default);
            Assert.True(await v1.ClosedByPeerWithinAsync(Quick));
            await CounterReachesAsync(a, "handshake.version", 1);

            // The release before leases (protocol 2: batch entries without leases), and a newer one.
            using var ephemeral = EphemeralKey.Create();
            using var v2 = await RawConnection.ConnectAsync(port);
            await v2.SendAsync(new ArraySegment<byte>(HandshakeWire.Hello(ephemeral.PublicKey, version: 2)), default);
            Assert.True(await v2.ClosedByPeerWithinAsync(Quick));
            await CounterReachesAsync(a, "handshake.version", 2);
            using var v4 = await RawConnection.ConnectAsync(port);
            await v4.SendAsync(new ArraySegment<byte>(HandshakeWire.Hello(ephemeral.PublicKey, version: 4)), default);
            Assert.True(await v4.ClosedByPeerWithinAsync(Quick));
            await CounterReachesAsync(a, "handshake.version", 3);

            Assert.Equal(0, Counter(a, "sessions.opened"));
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task A_second_key_presenting_a_live_members_NodeId_is_refused()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            b.SetData("role", "db");
            await a.WaitForDataAsync("b", "role", "db", Quick);

            // Our side of the handshake completes; then the node checks the identity and closes the connection.
            await using var impostor = await HostilePeer.JoinAsync(a, cluster.Key, "b", listen: false);
            await impostor.Main.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "members.rejected.identity_conflict", 1);

            // The node's own NodeId, presented by another key, is refused the same way.
            await using var selfImpostor = await HostilePeer.JoinAsync(a, cluster.Key, "a", listen: false);
            await selfImpostor.Main.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "members.rejected.identity_conflict", 2);

            Assert.Equal(b.PublicKey, a.GetPeer("b").PublicKey);
            Assert.Equal(DsnPeerStatus.Alive, a.GetPeer("b").Status);
            Assert.Equal("db", a.GetData("b", "role"));
            await WritesConvergeAsync(a, b);
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task An_allow_list_admits_only_the_pinned_nodes_with_their_pinned_keys()
        {
            using var temp = new DistributedState.Tests.Security.TempDirectory();
            var bPath = temp.File("b.identity");
            string bKey;
            using (var identity = IdentityKey.LoadOrCreate(bPath))
                bKey = identity.PublicKeyHex;

            await using var cluster = new TestCluster();
            var aOptions = cluster.Options("a");
            aOptions.AllowedNodes["b"] = bKey.ToUpperInvariant();
            var a = await cluster.StartAsync(aOptions);

            var bOptions = cluster.Options("b", a);
            bOptions.PersistIdentity = true;
            bOptions.IdentityPath = bPath;
            var b = await cluster.StartAsync(bOptions);
            Assert.Equal(bKey, b.PublicKey);
            await WritesConvergeAsync(a, b);

            // Not pinned: refused.
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory", listen: false);
            await mallory.Main.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "members.rejected.not_allowed", 1);
            // A pinned NodeId with another key: refused.
            await using var fakeB = await HostilePeer.JoinAsync(a, cluster.Key, "b", listen: false);
            await fakeB.Main.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "members.rejected.not_allowed", 2);
            // A real node with the network key but not pinned cannot join through a.
            await Assert.ThrowsAsync<DsnJoinException>(() => cluster.StartAsync("c", a));

            // Nor can it get in sideways: it joins through b (which has no allow-list), and b gossips it to a.
            var d = await cluster.StartAsync("d", b);
            await JoinedAsync(b, "d");
            await CounterReachesAsync(a, "members.rejected.not_allowed", 3);
            b.SetData("after", "d");
            await a.WaitForDataAsync("b", "after", "d", Quick);
            Assert.Equal(new[] { "a", "b" }, a.GetPeers().Select(p => p.NodeId));
            Assert.Null(a.GetData("d", "probe"));
            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task Two_hundred_silent_connections_are_closed_after_the_handshake_timeout_while_a_real_node_joins()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.HandshakeTimeout = TimeSpan.FromSeconds(1);
            var a = await cluster.StartAsync(options);

            var opened = System.Diagnostics.Stopwatch.StartNew();
            var silent = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RawConnection.ConnectAsync(a.LocalEndPoint.Port)));
            try
            {
                var closing = silent.Select(c => c.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(8))).ToList();

                // An honest node joins during the flood and writes converge.
                var b = await HonestPeerStillWorksAsync(cluster, a);

                var closed = await Task.WhenAll(closing);
                Assert.All(closed, Assert.True);
                Assert.True(opened.Elapsed >= TimeSpan.FromSeconds(0.9), $"closed after {opened.Elapsed}: not by the timeout");
                await CounterReachesAsync(a, "handshake.timeout", 200);
                Assert.Equal(0, Counter(a, "handshake.refused_busy"));
                await WritesConvergeAsync(a, b);
            }
            finally
            {
                foreach (var connection in silent)
                    connection.Dispose();
            }
        }

        [Fact]
        public async Task A_thousand_silent_connections_kept_open_do_not_lock_out_a_real_node()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.HandshakeTimeout = TimeSpan.FromSeconds(1);
            var a = await cluster.StartAsync(options);

            // The attacker keeps 1,000 silent connections open, reopening each one the node closes.
            using var flooding = new System.Threading.CancellationTokenSource();
            var attackers = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
            {
                while (!flooding.IsCancellationRequested)
                {
                    try
                    {
                        using var connection = await RawConnection.ConnectAsync(a.LocalEndPoint.Port);
                        await connection.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(3));
                    }
                    catch (Exception)
                    {
                        await Task.Delay(10);
                    }
                }
            })).ToList();
            try
            {
                await Eventually.HoldsAsync(() => Counter(a, "handshake.refused_busy") + Counter(a, "handshake.timeout") > 0, "the flood is under way", Quick);
                await HonestPeerStillWorksAsync(cluster, a);
            }
            finally
            {
                flooding.Cancel();
                await Task.WhenAll(attackers).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }
}
