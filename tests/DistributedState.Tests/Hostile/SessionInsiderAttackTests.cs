using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;
using DistributedState.Tests.Security;
using DistributedState.Tests.Support;
using DistributedState.Transport;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// Attacks on the sessions of other members by someone on the path between them (a <see cref="TcpProxy"/>) who
    /// holds the network key, as every member and every former member does, but neither end's identity key: reading
    /// recorded traffic, injecting frames, replaying a captured hello, deleting a frame.
    /// </summary>
    public sealed class SessionInsiderAttackTests : HostileTestBase
    {
        /// <summary>
        /// Node <c>a</c> joins <paramref name="target"/> through a proxy. Its NodeId sorts first, so the session it
        /// opened is the one both ends keep (a duplicate dialled the other way would be closed), and their traffic
        /// crosses the proxy.
        /// </summary>
        private static async Task<(DsnNode Node, ProxiedConnection Link)> JoinThroughProxyAsync(TestCluster cluster, string nodeId, DsnNode target, TcpProxy proxy)
        {
            var options = cluster.Options(nodeId);
            options.BootstrapNodes.Add(proxy.Endpoint);
            var node = await cluster.StartAsync(options);
            await JoinedAsync(target, nodeId);
            await JoinedAsync(node, target.NodeId);
            return (node, proxy.Connections.Single());
        }

        /// <summary>One direction's keys, as a candidate for opening recorded frames.</summary>
        private sealed class Candidate
        {
            public Candidate(string name, byte[] encryption, byte[] mac)
            {
                Name = name;
                Encryption = encryption;
                Mac = mac;
            }

            public string Name { get; }

            public byte[] Encryption { get; }

            public byte[] Mac { get; }

            public bool Opens(byte[] frame)
            {
                using var opener = new FrameOpener(Encryption, Mac);
                return opener.Open((byte[])frame.Clone(), out _) == FrameRejection.None;
            }

            public FrameSealer Sealer() => new FrameSealer(Encryption, Mac);
        }

        /// <summary>
        /// Every key a holder of the network key can compute from a recorded hello and challenge, for one direction:
        /// protocol 1's session keys (which were HKDF over the network key and the two nonces, and opened every
        /// session), and protocol 2's derivation with each public value in place of the ephemeral secret it lacks.
        /// </summary>
        private static List<Candidate> InsiderKeys(byte[] networkKey, byte[] hello, byte[] challenge, bool initiatorToResponder)
        {
            var nonceI = HandshakeWire.HelloNonce(hello);
            var nonceR = HandshakeWire.ChallengeNonce(challenge);
            var keyI = HandshakeWire.HelloKey(hello);
            var keyR = HandshakeWire.ChallengeKey(challenge);
            var candidates = new List<Candidate>();
            var v1 = Hkdf.DeriveKey(networkKey, nonceI.Concat(nonceR).ToArray(), "dsn/v1 session", 128);
            var offset = initiatorToResponder ? 0 : 64;
            candidates.Add(new Candidate("protocol 1: HKDF(network key, nonce_i || nonce_r)", v1.AsSpan(offset, 32).ToArray(), v1.AsSpan(offset + 32, 32).ToArray()));
            var guesses = new Dictionary<string, byte[]>
            {
                ["zeros"] = new byte[32],
                ["nothing"] = Array.Empty<byte>(),
                ["SHA-256(epk_i)"] = SHA256.HashData(keyI),
                ["SHA-256(epk_r)"] = SHA256.HashData(keyR),
                ["SHA-256(epk_i || epk_r)"] = SHA256.HashData(keyI.Concat(keyR).ToArray()),
                ["x of epk_i"] = keyI.AsSpan(1, 32).ToArray(),
                ["x of epk_r"] = keyR.AsSpan(1, 32).ToArray(),
                ["nonce_i"] = nonceI,
                ["nonce_r"] = nonceR,
                ["SHA-256(network key)"] = SHA256.HashData(networkKey),
            };
            foreach (var guess in guesses)
            {
                var keys = HandshakeWire.Keys(networkKey, guess.Value, hello, challenge);
                candidates.Add(initiatorToResponder
                    ? new Candidate("protocol 2 with " + guess.Key, keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac)
                    : new Candidate("protocol 2 with " + guess.Key, keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac));
            }

            return candidates;
        }

        /// <summary>The protected frames of a recorded direction: everything after its first handshake frame.</summary>
        private static List<byte[]> Protected(ProxyLink link) => link.Frames.Skip(1).ToList();

        private static void NoCandidateOpensAny(IEnumerable<Candidate> candidates, IReadOnlyCollection<byte[]> frames)
        {
            Assert.NotEmpty(frames);
            foreach (var candidate in candidates)
                Assert.False(frames.Any(candidate.Opens), $"the insider opened a recorded frame with {candidate.Name}");
        }

        private static byte[] AliveStatement(IdentityKey identity, string nodeId)
        {
            var writer = new WireWriter();
            AliveRecord.Create(identity, nodeId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "127.0.0.1", 1).Write(writer);
            return writer.ToArray();
        }

        [Fact]
        public async Task A_network_key_holder_who_records_a_session_cannot_derive_its_keys_or_read_a_frame()
        {
            await using var cluster = new TestCluster();
            var m = await cluster.StartAsync("m");
            await using var proxy = TcpProxy.For(m);
            var (a, link) = await JoinThroughProxyAsync(cluster, "a", m, proxy);
            var secret = "secret-" + Guid.NewGuid().ToString("N");
            a.SetData("password", secret);
            await m.WaitForDataAsync("a", "password", secret, Quick);
            await WritesConvergeAsync(a, m);

            var hello = link.ToTarget.Frames[0];
            var challenge = link.FromTarget.Frames[0];
            Assert.Equal(HandshakeWire.HelloLength, hello.Length);
            Assert.Equal(HandshakeWire.ChallengeLength, challenge.Length);
            Assert.DoesNotContain(secret, string.Join("\n", link.ToTarget.Frames.Select(Encoding.ASCII.GetString)));
            NoCandidateOpensAny(InsiderKeys(cluster.Key.Bytes, hello, challenge, initiatorToResponder: true), Protected(link.ToTarget));
            NoCandidateOpensAny(InsiderKeys(cluster.Key.Bytes, hello, challenge, initiatorToResponder: false), Protected(link.FromTarget));

            // The check above is not vacuous: a session whose ephemeral secret the test knows (it plays the initiator
            // itself, through the same proxy) opens with the true keys, frame by frame, and with none of the insider's.
            using var witness = IdentityKey.Create();
            using var raw = await RawConnection.ConnectAsync(proxy.Endpoint.Port);
            using var timeout = new CancellationTokenSource(Quick);
            var (keys, sealer, opener) = await HandshakeWire.InitiateAsync(raw, cluster.Key.Bytes, witness, AliveStatement(witness, "witness"), timeout.Token);
            await raw.SendAsync(new ArraySegment<byte>(sealer.Seal(MessageCodec.Encode(new PingMessage(77, 0)))), timeout.Token);
            while (true)
            {
                var frame = (await raw.ReceiveAsync(HostilePeer.ReadLimits.MaxFrameBytes, timeout.Token))!;
                Assert.Equal(FrameRejection.None, opener.Open(frame, out var length));
                if (MessageCodec.Decode(frame, FrameCipher.SequenceLength, length, HostilePeer.ReadLimits) is AckMessage { ProbeId: 77 })
                    break;
            }

            var recorded = proxy.Connections.Single(c => c != link);
            var truth = new[]
            {
                new Candidate("the true keys", keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac),
                new Candidate("the true keys", keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac),
            };
            Assert.All(Protected(recorded.ToTarget), frame => Assert.True(truth[0].Opens(frame)));
            Assert.All(Protected(recorded.FromTarget), frame => Assert.True(truth[1].Opens(frame)));
            NoCandidateOpensAny(InsiderKeys(cluster.Key.Bytes, recorded.ToTarget.Frames[0], recorded.FromTarget.Frames[0], initiatorToResponder: true), Protected(recorded.ToTarget));
            NoCandidateOpensAny(InsiderKeys(cluster.Key.Bytes, recorded.ToTarget.Frames[0], recorded.FromTarget.Frames[0], initiatorToResponder: false), Protected(recorded.FromTarget));
        }

        /// <summary>
        /// Forges <paramref name="message"/> as the next frame of a recorded direction, numbered after the last frame
        /// seen (sequence numbers travel in clear) and sealed with the keys protocol 1 gave this session — the forgery
        /// that was accepted before. (Each forgery closes the session, and none of the insider's keys opens a genuine
        /// frame: see the recording test.)
        /// </summary>
        private static byte[] Forgery(byte[] networkKey, ProxiedConnection link, bool towardTarget, Message message)
        {
            var direction = towardTarget ? link.ToTarget : link.FromTarget;
            var next = BinaryPrimitives.ReadUInt64BigEndian(direction.Frames.Last()) + 1;
            using var sealer = InsiderKeys(networkKey, link.ToTarget.Frames[0], link.FromTarget.Frames[0], towardTarget)[0].Sealer();
            for (ulong skipped = 0; skipped < next; skipped++)
                sealer.Seal(Array.Empty<byte>());
            return sealer.Seal(MessageCodec.Encode(message));
        }

        [Fact]
        public async Task A_network_key_holder_on_the_path_cannot_inject_a_Direct_or_an_Ack_the_session_closes_and_the_nodes_reconnect()
        {
            await using var cluster = new TestCluster();
            var m = await cluster.StartAsync("m");
            var delivered = 0;
            m.DataReceived += (_, _) => Interlocked.Increment(ref delivered);

            // A Direct message toward m, attributed by m to a if it were accepted.
            await using var proxyA = TcpProxy.For(m);
            var (a, linkA) = await JoinThroughProxyAsync(cluster, "a", m, proxyA);
            await WritesConvergeAsync(a, m);
            await linkA.ToTarget.InjectAsync(Forgery(cluster.Key.Bytes, linkA, towardTarget: true, new DirectMessage(4242, Encoding.UTF8.GetBytes("transfer everything"))));
            await linkA.Closed.WaitAsync(Quick);
            await CounterReachesAsync(m, "frames.rejected.bad_tag", 1);
            Assert.Equal(0, Volatile.Read(ref delivered));

            // An Ack toward b, as if m answered a probe.
            await using var proxyB = TcpProxy.For(m);
            var (b, linkB) = await JoinThroughProxyAsync(cluster, "b", m, proxyB);
            await linkB.FromTarget.InjectAsync(Forgery(cluster.Key.Bytes, linkB, towardTarget: false, new AckMessage(1, 0)));
            await linkB.Closed.WaitAsync(Quick);
            await CounterReachesAsync(b, "frames.rejected.bad_tag", 1);

            // Each closed session is replaced by a new connection, and state flows again.
            await WritesConvergeAsync(a, m);
            await WritesConvergeAsync(b, m);
            Assert.Equal(0, Volatile.Read(ref delivered));
            Assert.Equal(0, Counter(m, "messages.received.Direct"));
        }

        /// <summary>Records a genuine handshake with <paramref name="target"/>: the initiator's two frames.</summary>
        private static async Task<(byte[] Hello, byte[] Proof)> CaptureInitiatorFramesAsync(TestCluster cluster, DsnNode target, string nodeId)
        {
            using var identity = IdentityKey.Create();
            using var recorded = new RecordingConnection(await RawConnection.ConnectAsync(target.LocalEndPoint.Port));
            using (var timeout = new CancellationTokenSource(Quick))
                await Handshake.InitiateAsync(recorded, cluster.Key.Bytes, identity, AliveStatement(identity, nodeId), timeout.Token);
            await JoinedAsync(target, nodeId);
            Assert.Equal(2, recorded.Sent.Count);
            return (recorded.Sent[0], recorded.Sent[1]);
        }

        /// <summary>The next frame the node sends, or null once it has closed the connection (a reset counts as closed).</summary>
        private static async Task<byte[]?> NextFrameOrCloseAsync(RawConnection connection, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                return await connection.ReceiveAsync(4096, cancel.Token);
            }
            catch (System.IO.IOException)
            {
                return null;
            }
        }

        [Fact]
        public async Task A_replayed_hello_gets_only_a_random_challenge_the_node_signs_nothing_and_members_look_like_strangers()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.HandshakeTimeout = TimeSpan.FromSeconds(1);
            var a = await cluster.StartAsync(options);
            var b = await cluster.StartAsync("b", a);
            await using var stranger = new TestCluster();
            var x = await stranger.StartAsync("x");
            var (hello, proof) = await CaptureInitiatorFramesAsync(cluster, a, "mallory");
            var openedA = Counter(a, "sessions.opened");
            var openedB = Counter(b, "sessions.opened");

            // The captured hello and proof, replayed: the node answers with a fresh challenge (97 bytes: a nonce and a
            // key, no signature), the old proof does not authenticate under the new keys, and the node hangs up
            // without another byte.
            using (var replay = await RawConnection.ConnectAsync(a.LocalEndPoint.Port))
            {
                await replay.SendAsync(new ArraySegment<byte>(hello), default);
                Assert.Equal(HandshakeWire.ChallengeLength, (await replay.ReceiveAsync(4096, default))!.Length);
                await replay.SendAsync(new ArraySegment<byte>(proof), default);
                Assert.Null(await NextFrameOrCloseAsync(replay, Quick));
            }

            await CounterReachesAsync(a, "handshake.bad_key", 1);

            // A replayer that only says hello (it cannot compute a proof): a challenge, then the handshake timeout.
            foreach (var node in new[] { a, b })
            {
                using var silent = await RawConnection.ConnectAsync(node.LocalEndPoint.Port);
                await silent.SendAsync(new ArraySegment<byte>(hello), default);
                Assert.Equal(HandshakeWire.ChallengeLength, (await silent.ReceiveAsync(4096, default))!.Length);
                Assert.Null(await NextFrameOrCloseAsync(silent, TimeSpan.FromSeconds(10)));
            }

            await CounterReachesAsync(a, "handshake.timeout", 1);
            await CounterReachesAsync(b, "handshake.timeout", 1);

            // A node of another network answers the same hello the same way: the answer does not tell members apart.
            using (var probe = await RawConnection.ConnectAsync(x.LocalEndPoint.Port))
            {
                await probe.SendAsync(new ArraySegment<byte>(hello), default);
                Assert.Equal(HandshakeWire.ChallengeLength, (await probe.ReceiveAsync(4096, default))!.Length);
            }

            Assert.Equal(openedA, Counter(a, "sessions.opened"));
            Assert.Equal(openedB, Counter(b, "sessions.opened"));
            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task A_frame_deleted_on_the_path_closes_the_session_as_a_sequence_gap_and_the_nodes_reconnect_and_converge()
        {
            await using var cluster = new TestCluster();
            var m = await cluster.StartAsync("m");
            await using var proxy = TcpProxy.For(m);
            var (a, link) = await JoinThroughProxyAsync(cluster, "a", m, proxy);
            await WritesConvergeAsync(a, m);

            var dropped = link.ToTarget.DropNextFrame();
            a.SetData("k", "lost on the way");
            await dropped.WaitAsync(Quick);
            // The next frame from a (a push, a probe, a digest) shows m the gap.
            a.SetData("k", "after the gap");
            await link.Closed.WaitAsync(Quick);
            await CounterReachesAsync(m, "frames.rejected.sequence_gap", 1);
            Assert.Equal(0, Counter(m, "frames.missing"));

            await m.WaitForDataAsync("a", "k", "after the gap", Quick);
            await WritesConvergeAsync(a, m);
        }
    }
}
