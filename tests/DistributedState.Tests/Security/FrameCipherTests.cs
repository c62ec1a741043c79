using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class FrameCipherTests
    {
        private static (FrameSealer Sealer, FrameOpener Opener) Pair()
        {
            var encryption = RandomNumberGenerator.GetBytes(32);
            var mac = RandomNumberGenerator.GetBytes(32);
            return (new FrameSealer(encryption, mac), new FrameOpener(encryption, mac));
        }

        private static byte[] Plaintext(int size, int seed)
        {
            var bytes = new byte[size];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        private static byte[] OpenOk(FrameOpener opener, byte[] frame)
        {
            var copy = (byte[])frame.Clone();
            Assert.Equal(FrameRejection.None, opener.Open(copy, out var length));
            return copy.AsSpan(FrameCipher.SequenceLength, length).ToArray();
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(15)]
        [InlineData(16)]
        [InlineData(17)]
        [InlineData(4095)]
        [InlineData(4096)]
        [InlineData(4097)]
        [InlineData(1024 * 1024)]
        public void A_sealed_frame_opens_to_the_same_plaintext(int size)
        {
            var (sealer, opener) = Pair();
            var plaintext = Plaintext(size, size);
            var frame = sealer.Seal(plaintext);
            Assert.Equal(size + FrameCipher.Overhead, frame.Length);
            if (size >= 16)
                Assert.NotEqual(plaintext.AsSpan(0, 16).ToArray(), frame.AsSpan(FrameCipher.SequenceLength, 16).ToArray());
            Assert.Equal(plaintext, OpenOk(opener, frame));

            // A second frame of the same size and content: a new sequence, a new keystream, still opens.
            var again = sealer.Seal(plaintext);
            if (size > 0)
                Assert.NotEqual(frame.AsSpan(FrameCipher.SequenceLength, size).ToArray(), again.AsSpan(FrameCipher.SequenceLength, size).ToArray());
            Assert.Equal(plaintext, OpenOk(opener, again));
            Assert.Equal(0UL, opener.MissingFrames);
        }

        [Fact]
        public void Seal_with_an_offset_protects_only_the_given_slice()
        {
            var (sealer, opener) = Pair();
            var buffer = Plaintext(100, 7);
            var frame = sealer.Seal(buffer, 10, 50);
            Assert.Equal(buffer.AsSpan(10, 50).ToArray(), OpenOk(opener, frame));
        }

        [Fact]
        public void The_keystream_never_repeats_within_a_large_frame()
        {
            // All-zero plaintext exposes the keystream: every 16-byte block of it must differ (CTR counters are unique
            // across the 4 KiB chunks the cipher works in).
            var (sealer, _) = Pair();
            var frame = sealer.Seal(new byte[3 * 4096 + 48]);
            var blocks = new HashSet<string>();
            for (var offset = FrameCipher.SequenceLength; offset + 16 <= frame.Length - FrameCipher.TagLength; offset += 16)
                Assert.True(blocks.Add(Convert.ToHexString(frame, offset, 16)), $"keystream block at {offset} repeats");
        }

        [Fact]
        public void Flipping_any_bit_of_a_small_frame_is_refused_as_a_bad_tag()
        {
            var (sealer, opener) = Pair();
            var plaintext = Plaintext(40, 1);
            var frame = sealer.Seal(plaintext);
            var tried = 0;
            for (var i = 0; i < frame.Length; i++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    var copy = (byte[])frame.Clone();
                    copy[i] ^= (byte)(1 << bit);
                    Assert.Equal(FrameRejection.BadTag, opener.Open(copy, out var length));
                    Assert.Equal(0, length);
                    tried++;
                }
            }

            Assert.Equal(frame.Length * 8, tried);
            // Nothing was consumed by the forgeries: the genuine frame still opens.
            Assert.Equal(plaintext, OpenOk(opener, frame));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(4097)]
        [InlineData(1024 * 1024)]
        public void Tampering_with_any_region_of_a_frame_is_refused(int size)
        {
            var (sealer, opener) = Pair();
            var frame = sealer.Seal(Plaintext(size, 3));
            var random = new Random(size);
            var positions = new List<int> { 0, 7, 8, frame.Length - 17, frame.Length - 16, frame.Length - 1 };
            for (var i = 0; i < 64; i++)
                positions.Add(random.Next(frame.Length));
            foreach (var position in positions)
            {
                if (position < 0 || position >= frame.Length)
                    continue;
                var copy = (byte[])frame.Clone();
                copy[position] ^= (byte)(1 + random.Next(255));
                Assert.Equal(FrameRejection.BadTag, opener.Open(copy, out _));
            }

            OpenOk(opener, frame);
        }

        [Fact]
        public void A_frame_from_another_key_or_direction_is_refused()
        {
            var keys = SessionKeys.Derive(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
            var toResponder = new FrameSealer(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
            var atInitiator = new FrameOpener(keys.ResponderToInitiatorEncryption, keys.ResponderToInitiatorMac);
            var atResponder = new FrameOpener(keys.InitiatorToResponderEncryption, keys.InitiatorToResponderMac);
            var frame = toResponder.Seal(Plaintext(100, 2));
            // Reflected back to its sender: other keys, refused.
            Assert.Equal(FrameRejection.BadTag, atInitiator.Open((byte[])frame.Clone(), out _));
            // Right MAC key, wrong encryption key would still need the MAC: only the intended opener accepts it.
            Assert.Equal(FrameRejection.None, atResponder.Open((byte[])frame.Clone(), out _));
        }

        [Fact]
        public void Replaying_a_frame_is_refused()
        {
            var (sealer, opener) = Pair();
            var frame = sealer.Seal(Plaintext(10, 1));
            OpenOk(opener, frame);
            Assert.Equal(FrameRejection.Replayed, opener.Open((byte[])frame.Clone(), out var length));
            Assert.Equal(0, length);

            // The stream continues normally after a replay attempt.
            var next = sealer.Seal(Plaintext(10, 2));
            Assert.Equal(Plaintext(10, 2), OpenOk(opener, next));
            Assert.Equal(FrameRejection.Replayed, opener.Open((byte[])frame.Clone(), out _));
            Assert.Equal(FrameRejection.Replayed, opener.Open((byte[])next.Clone(), out _));
        }

        [Fact]
        public void Reordered_frames_are_refused_and_gaps_are_counted()
        {
            var (sealer, opener) = Pair();
            var frames = new List<byte[]>();
            for (var i = 0; i < 10; i++)
                frames.Add(sealer.Seal(Plaintext(5, i)));

            OpenOk(opener, frames[0]);
            OpenOk(opener, frames[2]); // frame 1 lost
            Assert.Equal(1UL, opener.MissingFrames);
            Assert.Equal(FrameRejection.Replayed, opener.Open((byte[])frames[1].Clone(), out _)); // arrives late: reordered
            Assert.Equal(1UL, opener.MissingFrames);
            OpenOk(opener, frames[6]); // 3, 4, 5 lost
            Assert.Equal(4UL, opener.MissingFrames);
            Assert.Equal(FrameRejection.Replayed, opener.Open((byte[])frames[4].Clone(), out _));
            Assert.Equal(FrameRejection.Replayed, opener.Open((byte[])frames[6].Clone(), out _));
            Assert.Equal(Plaintext(5, 7), OpenOk(opener, frames[7]));
            Assert.Equal(Plaintext(5, 9), OpenOk(opener, frames[9]));
            Assert.Equal(5UL, opener.MissingFrames);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(8)]
        [InlineData(16)]
        [InlineData(23)]
        public void Frames_shorter_than_the_overhead_are_truncated(int length)
        {
            var (_, opener) = Pair();
            Assert.Equal(FrameRejection.Truncated, opener.Open(new byte[length], out var plaintextLength));
            Assert.Equal(0, plaintextLength);
        }

        [Fact]
        public void A_genuine_frame_cut_short_is_refused()
        {
            var (sealer, opener) = Pair();
            var frame = sealer.Seal(Plaintext(64, 5));
            for (var cut = 1; cut < frame.Length; cut++)
            {
                var shorter = frame.AsSpan(0, frame.Length - cut).ToArray();
                var rejection = opener.Open(shorter, out _);
                Assert.Equal(shorter.Length < FrameCipher.Overhead ? FrameRejection.Truncated : FrameRejection.BadTag, rejection);
            }

            OpenOk(opener, frame);
        }

        [Fact]
        public void An_empty_frame_of_exactly_the_overhead_opens_to_nothing()
        {
            var (sealer, opener) = Pair();
            var frame = sealer.Seal(Array.Empty<byte>());
            Assert.Equal(FrameCipher.Overhead, frame.Length);
            Assert.Empty(OpenOk(opener, frame));
        }
    }
}
