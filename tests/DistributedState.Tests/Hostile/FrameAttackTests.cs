using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>Attacks by an authenticated peer on the frame layer: replays, reordering, bit flips, truncation, sizes.</summary>
    public sealed class FrameAttackTests : HostileTestBase
    {
        [Fact]
        public async Task A_replayed_a_reordered_and_a_foreign_frame_each_close_the_session_with_their_counter()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();

            // Capture a frame that the node accepted (a ping: it answers each accepted ping once), then replay it.
            var captured = await session.SendAsync(new PingMessage(7, 0));
            await session.WaitForAsync<AckMessage>(x => x.ProbeId == 7, "the node acks ping 7");
            await session.SendFrameAsync(captured);
            await session.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "frames.rejected.replayed", 1);
            Assert.Equal(1, session.Count<AckMessage>(x => x.ProbeId == 7));

            // Two frames sealed in order, sent in the opposite order: the later one arrives first, after a gap.
            var reordered = await mallory.ConnectAsync(a.LocalEndPoint.Port);
            await reordered.PingAsync();
            await reordered.SendReorderedAsync(new PingMessage(8, 0), new PingMessage(9, 0));
            await reordered.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "frames.rejected.sequence_gap", 1);
            Assert.Equal(0, reordered.Count<AckMessage>(x => x.ProbeId == 8 || x.ProbeId == 9));

            // A frame captured on one session replayed on another session of the same peer: other keys.
            var second = await mallory.ConnectAsync(a.LocalEndPoint.Port);
            await second.PingAsync();
            await second.SendFrameAsync(captured);
            await second.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "frames.rejected.bad_tag", 1);
            Assert.Equal(0, second.Count<AckMessage>(x => x.ProbeId == 7));

            Assert.Equal(0, session.BadFrames);
            Assert.Equal(0, Counter(a, "frames.missing"));
            await HonestPeerStillWorksAsync(cluster, a);
        }

        private static byte[] Flip(byte[] frame, int index)
        {
            frame[(index + frame.Length) % frame.Length] ^= 0x10;
            return frame;
        }

        public static TheoryData<string, string> Tamperings() => new TheoryData<string, string>
        {
            { "a bit of the sequence number", "frames.rejected.bad_tag" },
            { "a bit of the ciphertext", "frames.rejected.bad_tag" },
            { "a bit of the tag", "frames.rejected.bad_tag" },
            { "the last byte cut off", "frames.rejected.bad_tag" },
            { "shorter than any frame", "frames.rejected.truncated" },
            { "empty", "frames.rejected.truncated" },
        };

        [Theory]
        [MemberData(nameof(Tamperings))]
        public async Task A_frame_altered_on_the_way_closes_the_session_with_its_counter(string tampering, string counter)
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();

            var ping = new PingMessage(20, 0);
            switch (tampering)
            {
                case "a bit of the sequence number": await session.SendTamperedAsync(ping, f => Flip(f, 3)); break;
                case "a bit of the ciphertext": await session.SendTamperedAsync(ping, f => Flip(f, 10)); break;
                case "a bit of the tag": await session.SendTamperedAsync(ping, f => Flip(f, -1)); break;
                case "the last byte cut off": await session.SendTamperedAsync(ping, f => f.Take(f.Length - 1).ToArray()); break;
                case "shorter than any frame": await session.SendFrameAsync(new byte[10]); break;
                case "empty": await session.SendFrameAsync(Array.Empty<byte>()); break;
                default: throw new ArgumentException(tampering);
            }

            await session.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, counter, 1);
            Assert.Equal(0, session.Count<AckMessage>(x => x.ProbeId == 20));
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task Authentic_frames_that_hold_no_valid_message_are_dropped_and_counted_and_a_flood_of_them_closes_the_session()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();

            await session.SendPlaintextAsync(new byte[] { 1, 99, 0, 0 });                           // authentic, but no message
            await session.SendPlaintextAsync(new byte[] { 1, (byte)MessageType.Digest, 0, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF }); // a huge count
            await session.SendPlaintextAsync(Array.Empty<byte>());
            await session.PingAsync();
            Assert.Equal(3, Counter(a, "frames.rejected.malformed"));
            Assert.False(session.IsClosed);

            // A peer that keeps sending them is cut off.
            for (var i = 0; i < 70 && !session.IsClosed; i++)
            {
                try
                {
                    await session.SendPlaintextAsync(new byte[] { 1, 99, 0, 0 });
                }
                catch (System.IO.IOException)
                {
                    break; // the node closed the connection while we were still writing
                }
            }

            await session.Closed.WaitAsync(Quick);
            Assert.InRange(Counter(a, "frames.rejected.malformed"), 65, 70); // closed once more than 64 frames failed their checks
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task A_frame_header_claiming_more_than_the_limit_closes_only_that_connection()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory", raw: true);
            var bystander = await mallory.ConnectAsync(a.LocalEndPoint.Port);
            await mallory.Main.PingAsync();
            await bystander.PingAsync();

            var limit = new ProtocolLimits(1024 * 1024, 1024 * 1024).MaxFrameBytes; // the defaults
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)limit + 1);
            await mallory.Main.SendRawAsync(header);
            await mallory.Main.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "frames.rejected.oversized", 1);

            // 4 GiB claimed, on another connection.
            var huge = await mallory.ConnectAsync(a.LocalEndPoint.Port, raw: true);
            await huge.PingAsync();
            await huge.SendRawAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3 });
            await huge.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "frames.rejected.oversized", 2);

            // The other session of the same peer and the honest member are untouched.
            await bystander.PingAsync();
            Assert.False(bystander.IsClosed);
            await WritesConvergeAsync(a, b);
            await HonestPeerStillWorksAsync(cluster, a);
        }

        /// <summary>Batches of the peer's own state, pushed in one message whose protected frame is exactly <paramref name="frameBytes"/> long.</summary>
        private static PushMessage PushFilling(HostilePeer peer, long epoch, int frameBytes, int maxValueBytes, out Dictionary<string, string> written)
        {
            written = new Dictionary<string, string>();
            var target = frameBytes - FrameCipher.Overhead;
            var values = new List<int>();
            while (true)
            {
                var candidate = Build(values.Concat(new[] { 0 }).ToList());
                var room = target - MessageCodec.Encode(candidate).Length;
                if (room <= maxValueBytes - 100)
                {
                    values.Add(room);
                    break;
                }

                values.Add(maxValueBytes - 100);
            }

            var push = Build(values);
            Assert.Equal(target, MessageCodec.Encode(push).Length);
            for (var i = 0; i < values.Count; i++)
                written["k" + i] = new string((char)('a' + i), values[i]);
            return push;

            PushMessage Build(List<int> sizes)
            {
                var batches = new List<SignedBatch>();
                var version = epoch;
                var signer = new SigningOwner(peer.Identity, peer.NodeId);
                for (var i = 0; i < sizes.Count; i++)
                {
                    batches.Add(signer.Batch(epoch, version, version + 1, ("k" + i, version + 1, new string((char)('a' + i), sizes[i]))));
                    version++;
                }

                return new PushMessage(0, batches);
            }
        }

        [Fact]
        public async Task Frames_exactly_at_the_size_limit_are_accepted_and_one_byte_more_is_refused()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.MaxValueBytes = 64 * 1024;
            options.MaxMessageBytes = 64 * 1024;
            var a = await cluster.StartAsync(options);
            var limit = new ProtocolLimits(options.MaxValueBytes, options.MaxMessageBytes).MaxFrameBytes;
            var bOptions = cluster.Options("b", a);
            bOptions.MaxValueBytes = options.MaxValueBytes;
            bOptions.MaxMessageBytes = options.MaxMessageBytes;
            var b = await cluster.StartAsync(bOptions);

            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();

            // A push of the peer's own state filling the frame to the last byte: accepted and applied.
            var push = PushFilling(mallory, 1_000_000, limit, options.MaxValueBytes, out var written);
            var frame = await session.SendAsync(push);
            Assert.Equal(limit, frame.Length);
            await session.PingAsync();
            foreach (var pair in written)
                Assert.Equal(pair.Value, a.GetData("mallory", pair.Key));

            // A direct message of the largest allowed payload.
            var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            a.DataReceived += (_, e) => received.TrySetResult(e.Data);
            var payload = new byte[options.MaxMessageBytes];
            new Random(1).NextBytes(payload);
            await session.SendAsync(new DirectMessage(42, payload));
            await session.WaitForAsync<DirectAckMessage>(x => x.MessageId == 42, "the node acknowledges the direct message");
            Assert.Equal(payload, await received.Task.WaitAsync(Quick));

            // Authentic garbage exactly at the limit: read, then refused as malformed (not as oversized).
            await session.SendPlaintextAsync(new byte[limit - FrameCipher.Overhead]);
            await session.PingAsync();
            Assert.Equal(1, Counter(a, "frames.rejected.malformed"));
            Assert.Equal(0, Counter(a, "frames.rejected.oversized"));

            // One byte over: the connection is closed before the frame is read.
            try
            {
                await session.SendPlaintextAsync(new byte[limit - FrameCipher.Overhead + 1]);
            }
            catch (System.IO.IOException)
            {
                // The node may close the connection before the whole frame is written.
            }

            await session.Closed.WaitAsync(Quick);
            await CounterReachesAsync(a, "frames.rejected.oversized", 1);

            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task A_peer_that_never_reads_does_not_block_the_node_from_serving_others()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.HandshakeTimeout = TimeSpan.FromSeconds(1);
            options.SendTimeout = TimeSpan.FromSeconds(1);
            var a = await cluster.StartAsync(options);
            var b = await cluster.StartAsync("b", a);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();
            await JoinedAsync(b, "mallory");
            var closedBefore = Counter(a, "sessions.closed");

            mallory.StopReading();
            // About 24 MiB of writes, far beyond what the sockets to mallory can buffer.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 24; i++)
            {
                var value = new string((char)('a' + i % 26), 1024 * 1024 - 16) + i.ToString("D4");
                a.SetData("blob", value);
                await b.WaitForDataAsync("a", "blob", value, Quick);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"24 writes took {watch.Elapsed}");
            await WritesConvergeAsync(a, b);
            // The node gives up on the peer that does not drain (write timeout, queue limit or failure detection).
            await Eventually.HoldsAsync(() => Counter(a, "sessions.closed") > closedBefore, "a closes its session to the slow reader", TimeSpan.FromSeconds(15));
            await HonestPeerStillWorksAsync(cluster, a);
        }
    }
}
