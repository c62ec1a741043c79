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
}
