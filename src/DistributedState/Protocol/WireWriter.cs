using System;
using System.Buffers.Binary;
using System.Text;

namespace DistributedState.Protocol
{
    /// <summary>Appends big-endian integers, length-prefixed bytes and UTF-8 strings to a growing buffer.</summary>
    internal sealed class WireWriter
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);
        private byte[] _buffer;

        public WireWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

        public int Length { get; private set; }

        public byte[] Buffer => _buffer;

        public byte[] ToArray()
        {
            var result = new byte[Length];
            System.Buffer.BlockCopy(_buffer, 0, result, 0, Length);
            return result;
        }

        public void U8(byte value)
        {
            Ensure(1);
            _buffer[Length++] = value;
        }

        public void U16(ushort value)
        {
            Ensure(2);
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(_buffer, Length, 2), value);
            Length += 2;
        }

        public void U32(uint value)
        {
            Ensure(4);
            BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(_buffer, Length, 4), value);
            Length += 4;
        }

        public void I64(long value)
        {
            Ensure(8);
            BinaryPrimitives.WriteInt64BigEndian(new Span<byte>(_buffer, Length, 8), value);
            Length += 8;
        }

        public void U64(ulong value)
        {
            Ensure(8);
            BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(_buffer, Length, 8), value);
            Length += 8;
        }

        /// <summary>Bytes whose length both sides know (keys, signatures).</summary>
        public void Fixed(byte[] bytes) => Raw(bytes, 0, bytes.Length);

        public void Raw(byte[] bytes, int offset, int count)
        {
            Ensure(count);
            System.Buffer.BlockCopy(bytes, offset, _buffer, Length, count);
            Length += count;
        }

        /// <summary>u32 length, then the bytes.</summary>
        public void Bytes(byte[] bytes)
        {
            U32((uint)bytes.Length);
            Fixed(bytes);
        }

        /// <summary>u16 length, then UTF-8: NodeIds, keys, host names.</summary>
        public void ShortString(string value)
        {
            var count = Utf8.GetByteCount(value);
            if (count > ushort.MaxValue)
                throw new ArgumentException("A short string is at most 65535 UTF-8 bytes.", nameof(value));
            U16((ushort)count);
            Ensure(count);
            Length += Utf8.GetBytes(value, 0, value.Length, _buffer, Length);
        }

        /// <summary>u32 length, then UTF-8: values.</summary>
        public void LongString(string value)
        {
            var count = Utf8.GetByteCount(value);
            U32((uint)count);
            Ensure(count);
            Length += Utf8.GetBytes(value, 0, value.Length, _buffer, Length);
        }

        private void Ensure(int more)
        {
            if (Length + more <= _buffer.Length)
                return;
            var size = _buffer.Length;
            while (size < Length + more)
                size *= 2;
            Array.Resize(ref _buffer, size);
        }
    }
}
