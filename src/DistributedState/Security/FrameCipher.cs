using System;
using System.Buffers.Binary;

namespace DistributedState.Security
{
    /// <summary>
    /// One direction of a session's frame protection: AES-256-CTR then HMAC-SHA256 (truncated to 16 bytes) over
    /// the sequence number and the ciphertext. A protected frame is <c>seq(8, big-endian) || ciphertext || tag(16)</c>.
    /// CTR needs no padding, so no padding oracle exists; the keystream block for byte block i of frame seq is
    /// AES(key, seq || i), unique because each direction of each session has its own key and seq never repeats.
    /// Not thread-safe: each instance is used by one reader or one writer.
    /// </summary>
    internal abstract class FrameCipher : IDisposable
    {
        public const int SequenceLength = 8;
        public const int TagLength = 16;
        public const int Overhead = SequenceLength + TagLength;
        private const int ChunkBytes = 4096;

        // Scratch space shared by every cipher on a thread (ApplyKeystream never yields), so a node with a hundred
        // sessions does not carry a hundred pairs of buffers.
        [ThreadStatic]
        private static byte[]? _counters;
        [ThreadStatic]
        private static byte[]? _keystream;

        private readonly EcbBlockCipher _blockCipher;
        private readonly FrameMac _mac;

        protected FrameCipher(byte[] encryptionKey, byte[] macKey)
        {
            _blockCipher = EcbBlockCipher.Create(encryptionKey);
            _mac = new FrameMac(macKey);
        }

        protected void ApplyKeystream(ulong sequence, byte[] data, int offset, int count)
        {
            var counters = _counters ??= new byte[ChunkBytes];
            var keystream = _keystream ??= new byte[ChunkBytes];
            ulong block = 0;
            for (var done = 0; done < count; done += ChunkBytes)
            {
                var length = Math.Min(ChunkBytes, count - done);
                var blocks = (length + 15) / 16;
                for (var b = 0; b < blocks; b++, block++)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(counters, b * 16, 8), sequence);
                    BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(counters, b * 16 + 8, 8), block);
                }

                _blockCipher.Encrypt(counters, blocks * EcbBlockCipher.BlockLength, keystream);
                for (var i = 0; i < length; i++)
                    data[offset + done + i] ^= keystream[i];
            }
        }

        /// <summary>The tag of <c>frame[0 .. length)</c> (sequence and ciphertext).</summary>
        protected byte[] ComputeTag(byte[] frame, int length) => _mac.Compute(frame, 0, length);

        public void Dispose()
        {
            _blockCipher.Dispose();
        }
    }

    /// <summary>Protects outgoing frames; numbers them from 0 upwards.</summary>
    internal sealed class FrameSealer : FrameCipher
    {
        private ulong _nextSequence;

        public FrameSealer(byte[] encryptionKey, byte[] macKey) : base(encryptionKey, macKey) { }

        public byte[] Seal(byte[] plaintext, int offset, int count)
        {
            var frame = new byte[count + Overhead];
            var sequence = _nextSequence++;
            BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(frame, 0, SequenceLength), sequence);
            Buffer.BlockCopy(plaintext, offset, frame, SequenceLength, count);
            ApplyKeystream(sequence, frame, SequenceLength, count);
            var tag = ComputeTag(frame, SequenceLength + count);
            Buffer.BlockCopy(tag, 0, frame, SequenceLength + count, TagLength);
            return frame;
        }

        public byte[] Seal(byte[] plaintext) => Seal(plaintext, 0, plaintext.Length);
    }

    /// <summary>Why a frame was refused; each reason has its own counter.</summary>
    internal enum FrameRejection
    {
        None,
        Truncated,
        BadTag,
        Replayed,
    }

    /// <summary>Checks and decrypts incoming frames; refuses forged, replayed and reordered ones.</summary>
    internal sealed class FrameOpener : FrameCipher
    {
        private ulong _nextExpected;

        public FrameOpener(byte[] encryptionKey, byte[] macKey) : base(encryptionKey, macKey) { }

        /// <summary>Frames skipped (sequence gaps): only a lossy transport produces them.</summary>
        public ulong MissingFrames { get; private set; }

        /// <summary>Verifies and decrypts in place; on success the plaintext is <c>frame[8 .. 8+length)</c>.</summary>
        public FrameRejection Open(byte[] frame, out int plaintextLength)
        {
            plaintextLength = 0;
            if (frame.Length < Overhead)
                return FrameRejection.Truncated;

            var macLength = frame.Length - TagLength;
            var tag = ComputeTag(frame, macLength);
            if (!FixedTime.Equals(tag, 0, frame, macLength, TagLength))
                return FrameRejection.BadTag;

            var sequence = BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(frame, 0, SequenceLength));
            if (sequence < _nextExpected)
                return FrameRejection.Replayed;
            MissingFrames += sequence - _nextExpected;
            _nextExpected = sequence + 1;

            plaintextLength = macLength - SequenceLength;
            ApplyKeystream(sequence, frame, SequenceLength, plaintextLength);
            return FrameRejection.None;
        }
    }
}
