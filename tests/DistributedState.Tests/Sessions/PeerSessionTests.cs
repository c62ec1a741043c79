using System;
using System.IO;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Logging;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;
using DistributedState.Tests.Security;
using DistributedState.Tests.Support;
using DistributedState.Transport;
using Xunit;

namespace DistributedState.Tests.Sessions
{
    /// <summary>
    /// One <see cref="PeerSession"/> over an in-memory connection, with the test playing the peer: framing, order,
    /// what closes a session and why, the send queue's limit and the stalled-write check.
    /// </summary>
    public sealed class PeerSessionTests
    {
        private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);
        private static readonly ProtocolLimits Limits = new ProtocolLimits(64 * 1024, 64 * 1024);

        /// <summary>A started session and the peer's end of its connection, with the peer's ciphers.</summary>
        private sealed class Harness : IDisposable
        {
            private readonly TaskCompletionSource<bool> _closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            private int _closedCount;

            public Harness(Func<IDsnConnection, IDsnConnection>? wrap = null, TimeSpan? writeTimeout = null, Action<Message>? onMessage = null)
            {
                var (local, remote) = MemoryConnection.Pair();
                Remote = remote;
                Connection = wrap?.Invoke(local) ?? local;
                var keys = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
                var handshake = new HandshakeResult(new byte[65], Array.Empty<byte>(), new FrameSealer(keys[0], keys[1]), new FrameOpener(keys[2], keys[3]));
                PeerSealer = new FrameSealer(keys[2], keys[3]);
                PeerOpener = new FrameOpener(keys[0], keys[1]);
                Session = new PeerSession(Connection, handshake, "peer", initiated: true, Limits, Counters, new NodeLog(null, "node"),
                    writeTimeout ?? TimeSpan.FromSeconds(5), () => Task.CompletedTask,
                    new SendBudget(nodeLimit: 256L * 1024 * 1024, sessionLimit: PeerSession.MaxQueuedBytes), TimeSpan.FromSeconds(1));
                Session.Start((_, message) =>
                {
                    Received.Enqueue(message);
                    onMessage?.Invoke(message);
                }, _ =>
                {
                    Interlocked.Increment(ref _closedCount);
                    _closed.TrySetResult(true);
                });
            }

            public PeerSession Session { get; }

            public IDsnConnection Connection { get; }

            public MemoryConnection Remote { get; }

            public Counters Counters { get; } = new Counters();

            public FrameSealer PeerSealer { get; }

            public FrameOpener PeerOpener { get; }

            public ConcurrentQueue<Message> Received { get; } = new ConcurrentQueue<Message>();

            public int ClosedCount => Volatile.Read(ref _closedCount);

            public Task Closed => _closed.Task.WaitAsync(Quick);

            public long Counter(string name) => Counters.Snapshot().TryGetValue(name, out var value) ? value : 0;

            public byte[] Seal(Message message) => PeerSealer.Seal(MessageCodec.Encode(message));

            public Task SendFrameAsync(byte[] frame) => Remote.SendAsync(new ArraySegment<byte>(frame), CancellationToken.None);

            public Task SendAsync(Message message) => SendFrameAsync(Seal(message));

            /// <summary>The next frame the session wrote, opened by the peer: its sequence number and message.</summary>
            public async Task<(ulong Sequence, Message Message)> ReadAsync()
            {
                using var timeout = new CancellationTokenSource(Quick);
                var frame = (await Remote.ReceiveAsync(Limits.MaxFrameBytes, timeout.Token))!;
                var sequence = BinaryPrimitives.ReadUInt64BigEndian(frame);
                Assert.Equal(FrameRejection.None, PeerOpener.Open(frame, out var length));
                return (sequence, MessageCodec.Decode(frame, FrameCipher.SequenceLength, length, Limits));
            }

            /// <summary>Waits until the session has handed over <paramref name="count"/> messages.</summary>
            public Task ReceivedAsync(int count) => Eventually.HoldsAsync(() => Received.Count >= count, $"the session delivers {count} messages (it has {Received.Count})", Quick);

            public void Dispose()
            {
                Session.Close("test over");
                Remote.Dispose();
            }
        }

        private static uint[] ProbeIds(Harness harness) => harness.Received.OfType<ProbeMessage>().Select(m => m.ProbeId).ToArray();

        [Fact]
        public async Task Messages_leave_in_order_one_sealed_frame_each_and_incoming_ones_are_handed_over_in_order()
        {
            using var harness = new Harness();
            for (uint i = 0; i < 50; i++)
                Assert.True(harness.Session.Send(new PingMessage(i, 0)));
            long bytes = 0;
            for (uint i = 0; i < 50; i++)
            {
                var (sequence, message) = await harness.ReadAsync();
                Assert.Equal((ulong)i, sequence);
                Assert.Equal(i, Assert.IsType<PingMessage>(message).ProbeId);
                bytes += MessageCodec.Encode(message).Length + FrameCipher.Overhead + 4;
            }

            for (uint i = 0; i < 50; i++)
                await harness.SendAsync(new AckMessage(i, 0));
            await harness.ReceivedAsync(50);
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (uint)i), ProbeIds(harness));
            await Eventually.HoldsAsync(() => harness.Counter("frames.sent") == 50, "50 frames are counted as sent", Quick);
            Assert.Equal(bytes, harness.Counter("bytes.sent"));
            Assert.Equal(50, harness.Counter("frames.received"));
            Assert.True(harness.Session.IsOpen);
        }

        [Fact]
        public async Task An_encoded_message_is_sent_as_is_and_a_shedding_message_is_written_before_the_close()
        {
            using var harness = new Harness();
            Assert.True(harness.Session.SendEncoded(MessageCodec.Encode(new PingMessage(5, 0))));
            Assert.Equal(5u, Assert.IsType<PingMessage>((await harness.ReadAsync()).Message).ProbeId);

            harness.Session.SendThenClose(MessageCodec.Encode(ShedMessage.Instance), "shed to stay within the connection cap");
            Assert.True(harness.Session.WasShed);
            Assert.IsType<ShedMessage>((await harness.ReadAsync()).Message);
            await harness.Closed;
            Assert.Equal("shed to stay within the connection cap", harness.Session.CloseReason);
        }

        [Fact]
        public async Task The_peer_closing_ends_the_session_once_with_that_reason_and_sends_then_fail()
        {
            using var harness = new Harness();
            harness.Remote.Dispose();
            await harness.Closed;
            Assert.False(harness.Session.IsOpen);
            Assert.Equal("the peer closed the connection", harness.Session.CloseReason);
            Assert.False(harness.Session.Send(new PingMessage(1, 0)));
            harness.Session.Close("later");
            Assert.Equal("the peer closed the connection", harness.Session.CloseReason);
            Assert.Equal(1, harness.ClosedCount);
        }

        [Fact]
        public async Task Closing_the_session_keeps_the_first_reason_and_closes_the_connection()
        {
            using var harness = new Harness();
            harness.Session.Close("first");
            harness.Session.Close("second");
            await harness.Closed;
            Assert.Equal("first", harness.Session.CloseReason);
            using var timeout = new CancellationTokenSource(Quick);
            Assert.Null(await harness.Remote.ReceiveAsync(1024, timeout.Token));
            Assert.False(harness.Session.Send(new PingMessage(1, 0)));
            Assert.Equal(1, harness.ClosedCount);
        }

        [Fact]
        public async Task A_frame_larger_than_the_limit_closes_the_session_as_a_protocol_violation()
        {
            using var harness = new Harness();
            await harness.SendFrameAsync(new byte[Limits.MaxFrameBytes + 1]);
            await harness.Closed;
            Assert.Equal(1, harness.Counter("frames.rejected.oversized"));
            Assert.StartsWith("protocol violation", harness.Session.CloseReason);
        }

        public static TheoryData<string, string> Tamperings() => new TheoryData<string, string>
        {
            { "a frame deleted", "frames.rejected.sequence_gap" },
            { "a frame repeated", "frames.rejected.replayed" },
            { "two frames swapped", "frames.rejected.sequence_gap" },
            { "a bit flipped", "frames.rejected.bad_tag" },
            { "a frame cut short", "frames.rejected.truncated" },
        };

        /// <summary>Sends a genuine ping 1, then frames tampered with as <paramref name="tampering"/> says, then a genuine ping 9.</summary>
        private static async Task SendTamperedAsync(Harness harness, string tampering)
        {
            await harness.SendAsync(new PingMessage(1, 0));
            var second = harness.Seal(new PingMessage(2, 0));
            var third = harness.Seal(new PingMessage(3, 0));
            switch (tampering)
            {
                case "a frame deleted":
                    await harness.SendFrameAsync(third);
                    break;
                case "a frame repeated":
                    await harness.SendFrameAsync(second);
                    await harness.SendFrameAsync(second);
                    await harness.SendFrameAsync(third);
                    break;
                case "two frames swapped":
                    await harness.SendFrameAsync(third);
                    await harness.SendFrameAsync(second);
                    break;
                case "a bit flipped":
                    second[12] ^= 1;
                    await harness.SendFrameAsync(second);
                    break;
                case "a frame cut short":
                    await harness.SendFrameAsync(second.Take(FrameCipher.Overhead - 1).ToArray());
                    break;
                default:
                    throw new ArgumentException(tampering);
            }

            try
            {
                await harness.SendAsync(new PingMessage(9, 0));
            }
            catch (IOException)
            {
                // Over a reliable connection the session may already have closed it: then nothing can follow, as intended.
            }
        }

        [Theory]
        [MemberData(nameof(Tamperings))]
        public async Task Over_a_reliable_connection_any_tampered_frame_closes_the_session_with_its_counter(string tampering, string counter)
        {
            using var harness = new Harness();
            await SendTamperedAsync(harness, tampering);
            await harness.Closed;
            Assert.Equal(1, harness.Counter(counter));
            Assert.StartsWith("protocol violation", harness.Session.CloseReason);
            Assert.DoesNotContain(9u, ProbeIds(harness)); // nothing after the tampering is handed over
            Assert.Equal(0, harness.Counter("frames.missing"));
        }

        [Theory]
        [MemberData(nameof(Tamperings))]
        public async Task Over_a_lossy_connection_a_tampered_frame_is_dropped_or_counted_and_the_session_goes_on(string tampering, string counter)
        {
            using var harness = new Harness(connection => new LossyConnection(connection));
            await SendTamperedAsync(harness, tampering);
            await Eventually.HoldsAsync(() => ProbeIds(harness).Contains(9u), "ping 9 is handed over", Quick);
            Assert.True(harness.Session.IsOpen);
            if (counter == "frames.rejected.sequence_gap")
                Assert.Equal(1, harness.Counter("frames.missing")); // the frame skipped first; a late one is then a replay
            else
                Assert.Equal(1, harness.Counter(counter));
            Assert.Equal(0, harness.Counter("frames.rejected.sequence_gap"));
        }

        [Fact]
        public async Task Over_a_lossy_connection_more_than_64_bad_frames_a_minute_close_the_session()
        {
            using var harness = new Harness(connection => new LossyConnection(connection));
            for (var i = 0; i < 64; i++)
                await harness.SendFrameAsync(new byte[FrameCipher.Overhead]);
            await harness.SendAsync(new PingMessage(1, 0));
            await harness.ReceivedAsync(1);
            Assert.True(harness.Session.IsOpen);
            await harness.SendFrameAsync(new byte[FrameCipher.Overhead]);
            await harness.Closed;
            Assert.Equal(65, harness.Counter("frames.rejected.bad_tag"));
            Assert.Contains("more than 64 frames", harness.Session.CloseReason);
        }

        [Fact]
        public async Task An_authentic_frame_without_a_valid_message_is_dropped_and_counted_and_the_session_goes_on()
        {
            using var harness = new Harness();
            await harness.SendFrameAsync(harness.PeerSealer.Seal(new byte[] { 1, 99, 0, 0 }));
            await harness.SendFrameAsync(harness.PeerSealer.Seal(Array.Empty<byte>()));
            await harness.SendAsync(new PingMessage(1, 0));
            await harness.ReceivedAsync(1);
            Assert.Equal(2, harness.Counter("frames.rejected.malformed"));
            Assert.True(harness.Session.IsOpen);
        }

        [Fact]
        public async Task A_handler_that_throws_loses_only_its_message()
        {
            using var harness = new Harness(onMessage: message =>
            {
                if (message is PingMessage { ProbeId: 1 })
                    throw new InvalidOperationException("handler bug");
            });
            await harness.SendAsync(new PingMessage(1, 0));
            await harness.SendAsync(new PingMessage(2, 0));
            await harness.ReceivedAsync(2);
            Assert.Equal(1, harness.Counter("messages.handler_failed"));
            Assert.True(harness.Session.IsOpen);
        }

        [Fact]
        public async Task More_than_the_queue_limit_waiting_to_be_sent_closes_the_session_as_a_slow_reader()
        {
            GatedConnection? gated = null;
            using var harness = new Harness(connection => gated = new GatedConnection(connection));
            gated!.Hold();
            var mebibyte = new byte[1024 * 1024];
            var fits = (int)(PeerSession.MaxQueuedBytes / mebibyte.Length);
            for (var i = 0; i < fits; i++)
                Assert.True(harness.Session.SendEncoded(mebibyte));
            Assert.True(harness.Session.IsOpen);

            Assert.False(harness.Session.SendEncoded(mebibyte));
            await harness.Closed;
            Assert.Equal(1, harness.Counter("sessions.closed.slow_reader"));
            Assert.Contains("not reading", harness.Session.CloseReason);
        }

        [Fact]
        public async Task A_write_blocked_beyond_the_write_timeout_closes_the_session_when_checked()
        {
            var timeout = TimeSpan.FromSeconds(1);
            GatedConnection? gated = null;
            using var harness = new Harness(connection => gated = new GatedConnection(connection), writeTimeout: timeout);
            harness.Session.CloseIfWriteStalled(); // nothing being written: nothing to check
            gated!.Hold();
            Assert.True(harness.Session.Send(new PingMessage(1, 0)));
            await Eventually.HoldsAsync(() => gated.SendsStarted == 1, "the write has started", Quick);
            var blocked = Stopwatch.StartNew();

            harness.Session.CloseIfWriteStalled();
            if (blocked.Elapsed < timeout)
                Assert.True(harness.Session.IsOpen, "a write blocked for less than the timeout is left alone");
            await Eventually.HoldsAsync(() =>
            {
                harness.Session.CloseIfWriteStalled();
                return !harness.Session.IsOpen;
            }, "the stalled write closes the session", TimeSpan.FromSeconds(10));
            Assert.True(blocked.Elapsed >= timeout - TimeSpan.FromMilliseconds(20), $"closed after {blocked.Elapsed}");
            await harness.Closed;
            Assert.Equal(1, harness.Counter("sessions.closed.slow_reader"));
            Assert.Contains("blocked", harness.Session.CloseReason);
        }
    }
}
