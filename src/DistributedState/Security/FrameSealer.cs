using System;
using System.Buffers.Binary;

namespace DistributedState.Security
{
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
}
