using System;
using System.Collections.Generic;
using System.IO;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;
using Xunit.Abstractions;

namespace DistributedState.Tests.Protocol
{
    /// <summary>Specific malformed inputs, each refused with <see cref="InvalidDataException"/>, and claimed sizes that must not be allocated.</summary>
    public sealed class CodecRejectionTests
    {
        private static readonly ProtocolLimits Small = new ProtocolLimits(1024, 1024);

        /// <summary>Limits so large that only the bytes actually present can stop a claimed length.</summary>
        private static readonly ProtocolLimits Unbounded = new ProtocolLimits(int.MaxValue, int.MaxValue);

        private readonly ITestOutputHelper _output;

        public CodecRejectionTests(ITestOutputHelper output) => _output = output;

        private static byte[] Frame(Action<WireWriter> body, int padTo = 0)
        {
            var writer = new WireWriter();
            body(writer);
            while (writer.Length < padTo)
                writer.U8(0x41);
            return writer.ToArray();
        }

        private static void Refused(byte[] bytes, ProtocolLimits? limits = null, string? fragment = null)
        {
            var error = Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes, 0, bytes.Length, limits ?? Small));
            if (fragment is not null)
                Assert.Contains(fragment, error.Message);
        }

        [Fact]
        public void An_empty_frame_is_refused()
        {
            Refused(Array.Empty<byte>(), fragment: "truncated");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(255)]
        public void Another_protocol_version_is_refused(byte version)
        {
            Refused(new byte[] { version, (byte)MessageType.DigestDone, 0, 0, 0, 1 }, fragment: "version");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(14)]
        [InlineData(200)]
        [InlineData(255)]
        public void An_unknown_message_type_is_refused(byte type)
        {
            Refused(new byte[] { MessageCodec.Version, type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, fragment: "Unknown message type");
        }

        [Fact]
        public void A_Shed_message_carrying_a_body_is_refused()
        {
            var valid = MessageCodec.Encode(ShedMessage.Instance);
            Assert.Equal(2, valid.Length); // version and type only
            Refused(new byte[] { valid[0], valid[1], 0 }, fragment: "unexpected bytes");
        }

        [Fact]
        public void Bytes_after_a_complete_message_are_refused()
        {
            var valid = MessageCodec.Encode(new DigestDoneMessage(7));
            var longer = new byte[valid.Length + 1];
            Buffer.BlockCopy(valid, 0, longer, 0, valid.Length);
            Refused(longer, fragment: "unexpected bytes");
        }

        [Fact]
        public void Unknown_flags_ranks_kinds_and_entry_markers_are_refused()
        {
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Digest); w.U32(1); w.U8(2); w.U32(0); w.U32(0); }), fragment: "flags");
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Digest); w.U32(1); w.U8(0); w.U32(1); w.ShortString("a"); w.I64(1); w.U8(4); w.U32(0); }), fragment: "rank");
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Members); w.U8(0); w.U32(0); w.U32(1); w.U8(3); w.ShortString("a"); w.I64(1); w.ShortString("b"); w.Fixed(new byte[64]); w.U32(0); w.U32(0); }), fragment: "accusation kind");
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Members); w.U8(0); w.U32(0); w.U32(1); w.U8(0); w.ShortString("a"); w.I64(1); w.ShortString("b"); w.Fixed(new byte[64]); w.U32(0); w.U32(0); }), fragment: "accusation kind");
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(1); w.ShortString("k"); w.I64(2); w.U8(4); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "entry flag");
            // A leased value (flag 2) whose lease is 0 or beyond 30 days.
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(1); w.ShortString("k"); w.I64(2); w.U8(2); w.U32(0); w.LongString("v"); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "lease");
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(1); w.ShortString("k"); w.I64(2); w.U8(2); w.U32(BatchEntry.MaxLeaseMs + 1); w.LongString("v"); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "lease");
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Sync); w.ShortString("o"); w.I64(0); w.U8(2); w.U32(0); }), fragment: "sync flags");
        }

        private static byte[] PushWithBatch(Action<WireWriter> batch) =>
            Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Push); w.U8(0); w.U32(1); batch(w); });

        [Fact]
        public void Batches_whose_versions_are_out_of_order_are_refused()
        {
            // base > version
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(5); w.I64(4); w.U32(0); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "out of order");
            // epoch > version
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(9); w.I64(1); w.I64(4); w.U32(0); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "out of order");
            // entry at the base (already held) or beyond the batch
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(4); w.U32(1); w.ShortString("k"); w.I64(1); w.U8(0); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "outside the batch");
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(4); w.U32(1); w.ShortString("k"); w.I64(5); w.U8(0); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "outside the batch");
            // and the boundaries are accepted
            var ok = PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(4); w.U32(2); w.ShortString("k"); w.I64(2); w.U8(0); w.ShortString("j"); w.I64(4); w.U8(1); w.LongString("v"); w.Fixed(new byte[StateCommitment.Length + 64]); });
            var push = Assert.IsType<PushMessage>(MessageCodec.Decode(ok, 0, ok.Length, Small));
            Assert.Equal(2, push.Batches[0].Entries.Count);
        }

        [Fact]
        public void A_sync_that_mixes_owners_is_refused()
        {
            var key = IdentityKey.Create();
            var a = SignedBatch.Create(key, "a", 1, 1, 2, new[] { new BatchEntry("k", 2, "v") }, StateCommitment.Empty.With("k", 2));
            var b = SignedBatch.Create(key, "b", 1, 1, 2, new[] { new BatchEntry("k", 2, "v") }, StateCommitment.Empty.With("k", 2));
            var mixed = MessageCodec.Encode(new SyncMessage("a", 0, new[] { a, b }));
            Refused(mixed, fragment: "mixes owners");
            var wrongOwner = MessageCodec.Encode(new SyncMessage("c", 0, new[] { a }));
            Refused(wrongOwner, fragment: "mixes owners");
        }

        [Fact]
        public void Strings_longer_than_their_field_allows_are_refused()
        {
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.PingRequest); w.U32(1); w.ShortString(new string('n', 65)); }), fragment: "at most 64");
            var ok = Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.PingRequest); w.U32(1); w.ShortString(new string('n', 64)); });
            Assert.IsType<PingRequestMessage>(MessageCodec.Decode(ok, 0, ok.Length, Small));
            // 64 bytes, not 64 characters: 33 two-byte characters are 66 bytes.
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.PingRequest); w.U32(1); w.ShortString(new string('é', 33)); }), fragment: "at most 64");
            // A value over MaxValueBytes and a payload over MaxMessageBytes.
            Refused(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(1); w.ShortString("k"); w.I64(2); w.U8(1); w.LongString(new string('v', 1025)); w.Fixed(new byte[StateCommitment.Length + 64]); }), fragment: "at most 1024");
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Direct); w.U64(1); w.Bytes(new byte[1025]); }), fragment: "at most 1024");
            var direct = Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Direct); w.U64(1); w.Bytes(new byte[1024]); });
            Assert.Equal(1024, Assert.IsType<DirectMessage>(MessageCodec.Decode(direct, 0, direct.Length, Small)).Payload.Length);
        }

        public static TheoryData<string, string> InvalidUtf8() => new TheoryData<string, string>
        {
            { "lone continuation", "80" },
            { "overlong slash", "c0af" },
            { "overlong nul", "c080" },
            { "utf-16 surrogate", "eda080" },
            { "beyond U+10FFFF", "f4908080" },
            { "truncated sequence", "e282" },
            { "invalid byte", "ff" },
        };

        [Theory]
        [MemberData(nameof(InvalidUtf8))]
        public void Strings_that_are_not_valid_utf8_are_refused(string name, string hex)
        {
            Assert.True(DistributedState.Internal.Hex.TryDecode(hex, out var bad), name);
            Refused(Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.PingRequest); w.U32(1); w.U16((ushort)bad.Length); w.Fixed(bad); }), fragment: "UTF-8");
        }

        public static IEnumerable<object[]> HugeClaims()
        {
            const uint GiB = 1u << 30;
            yield return new object[] { "direct payload of 1 GiB", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Direct); w.U64(1); w.U32(GiB); }, 64) };
            yield return new object[] { "direct payload of 4 GiB - 1", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Direct); w.U64(1); w.U32(uint.MaxValue); }, 64) };
            yield return new object[] { "value of 1 GiB", PadTo(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(1); w.ShortString("k"); w.I64(2); w.U8(1); w.U32(GiB); }), 64) };
            yield return new object[] { "push of 4 billion batches", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Push); w.U8(0); w.U32(uint.MaxValue); }, 64) };
            yield return new object[] { "sync of 1 billion batches", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Sync); w.ShortString("o"); w.I64(0); w.U8(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion alive records", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Members); w.U8(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion accusations", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Members); w.U8(0); w.U32(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion leaves", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Members); w.U8(0); w.U32(0); w.U32(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion re-binds", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Members); w.U8(0); w.U32(0); w.U32(0); w.U32(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion member digests", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Digest); w.U32(1); w.U8(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion owner digests", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.Digest); w.U32(1); w.U8(0); w.U32(0); w.U32(GiB); }, 64) };
            yield return new object[] { "1 billion batch entries", PadTo(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(GiB); }), 64) };
            yield return new object[] { "node id of 65535 bytes", Frame(w => { w.U8(MessageCodec.Version); w.U8((byte)MessageType.PingRequest); w.U32(1); w.U16(ushort.MaxValue); }, 64) };
            yield return new object[] { "key of 65535 bytes", PadTo(PushWithBatch(w => { w.ShortString("o"); w.I64(1); w.I64(1); w.I64(2); w.U32(1); w.U16(ushort.MaxValue); }), 64) };
        }

        private static byte[] PadTo(byte[] bytes, int length)
        {
            var padded = new byte[Math.Max(length, bytes.Length)];
            Buffer.BlockCopy(bytes, 0, padded, 0, bytes.Length);
            for (var i = bytes.Length; i < padded.Length; i++)
                padded[i] = 0x41;
            return padded;
        }

        [Theory]
        [MemberData(nameof(HugeClaims))]
        public void A_64_byte_frame_claiming_a_huge_length_is_refused_without_allocating_it(string name, byte[] frame)
        {
            Assert.Equal(64, frame.Length);
            foreach (var limits in new[] { Small, Unbounded, new ProtocolLimits(1024 * 1024, 1024 * 1024) })
            {
                // Warm up: the first call may initialise statics; only the steady state is measured.
                Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(frame, 0, frame.Length, limits));
                var before = GC.GetAllocatedBytesForCurrentThread();
                Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(frame, 0, frame.Length, limits));
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                _output.WriteLine($"{name} (max value {limits.MaxValueBytes}): {allocated} bytes allocated");
                Assert.True(allocated < 32 * 1024, $"{name}: decoding allocated {allocated} bytes");
            }
        }

        [Fact]
        public void WireReader_refuses_every_read_past_the_end_and_counts_that_do_not_fit()
        {
            var reader = new WireReader(new byte[] { 0, 0, 0, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }, 0, 15);
            Assert.Equal(2, reader.Count(5)); // 11 bytes left: two elements of 5 fit
            Assert.Equal(11, reader.Remaining);
            var tooMany = new WireReader(new byte[] { 0, 0, 0, 3, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 });
            Assert.Throws<InvalidDataException>(() => tooMany.Count(4)); // 10 bytes cannot hold 3 elements of 4

            var slice = new WireReader(new byte[] { 1, 2, 3, 4, 5, 6 }, 2, 2);
            Assert.Equal(3, slice.U8());
            Assert.Equal(4, slice.U8());
            Assert.Throws<InvalidDataException>(() => slice.U8()); // byte 5 lies outside the slice
            Assert.Throws<InvalidDataException>(() => slice.Fixed(1));
            Assert.Throws<InvalidDataException>(() => slice.Fixed(-1));
            Assert.Throws<InvalidDataException>(() => new WireReader(new byte[3]).U32());
            Assert.Throws<InvalidDataException>(() => new WireReader(new byte[7]).I64());
            Assert.Throws<InvalidDataException>(() => new WireReader(new byte[7]).U64());
            Assert.Throws<InvalidDataException>(() => new WireReader(new byte[1]).U16());
        }

        [Fact]
        public void WireWriter_and_WireReader_agree_on_every_primitive()
        {
            var writer = new WireWriter(1);
            writer.U8(0xAB);
            writer.U16(0xBEEF);
            writer.U32(0xDEADBEEF);
            writer.I64(long.MinValue);
            writer.U64(ulong.MaxValue);
            writer.Bytes(new byte[] { 1, 2, 3 });
            writer.ShortString("héllo 😀");
            writer.LongString(new string('x', 5000));
            writer.ShortString(string.Empty);
            var bytes = writer.ToArray();
            Assert.Equal(bytes.Length, writer.Length);
            Assert.Equal(new byte[] { 0xAB, 0xBE, 0xEF, 0xDE, 0xAD, 0xBE, 0xEF, 0x80 }, bytes[..8]); // big-endian

            var reader = new WireReader(bytes);
            Assert.Equal(0xAB, reader.U8());
            Assert.Equal(0xBEEF, reader.U16());
            Assert.Equal(0xDEADBEEF, reader.U32());
            Assert.Equal(long.MinValue, reader.I64());
            Assert.Equal(ulong.MaxValue, reader.U64());
            Assert.Equal(new byte[] { 1, 2, 3 }, reader.Bytes(3));
            Assert.Equal("héllo 😀", reader.ShortString(64));
            Assert.Equal(new string('x', 5000), reader.LongString(5000));
            Assert.Equal(string.Empty, reader.ShortString(0));
            reader.End();
        }

        [Fact]
        public void WireWriter_refuses_a_short_string_over_65535_bytes()
        {
            var writer = new WireWriter();
            Assert.Throws<ArgumentException>(() => writer.ShortString(new string('x', 65536)));
        }
    }
}
