using System;
using System.Buffers.Binary;

namespace DistributedState.Security
{
    /// <summary>
    /// Checks and decrypts incoming frames; refuses forged, replayed and reordered ones. A frame after a gap in the
    /// sequence opens, and the gap is counted in <see cref="MissingFrames"/>: what a gap means is the session's call
    /// (over TCP it can only be a deleted frame, and the session closes; the fault-injection transport drops frames
    /// by design).
    /// </summary>
    internal sealed class FrameOpener : FrameCipher
    {
        private ulong _nextExpected;

        public FrameOpener(byte[] encryptionKey, byte[] macKey) : base(encryptionKey, macKey) { }

        /// <summary>Frames skipped (sequence gaps) so far.</summary>
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
