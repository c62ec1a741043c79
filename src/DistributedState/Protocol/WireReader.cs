using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace DistributedState.Protocol
{
    /// <summary>
    /// Reads what <see cref="WireWriter"/> wrote, treating the input as hostile: every length is checked against
    /// the bytes actually present before anything is allocated, and any violation throws
    /// <see cref="InvalidDataException"/>, which the receive loop counts and drops.
    /// </summary>
    internal sealed class WireReader
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);
        private readonly byte[] _buffer;
        private readonly int _end;

        public WireReader(byte[] buffer, int offset, int count)
        {
            _buffer = buffer;
            Position = offset;
            _end = offset + count;
        }

        public WireReader(byte[] buffer) : this(buffer, 0, buffer.Length) { }

        public int Position { get; private set; }

        public int Remaining => _end - Position;

        public byte[] Source => _buffer;

        public byte U8()
        {
            Need(1);
            return _buffer[Position++];
        }

        public ushort U16()
        {
            Need(2);
            var value = BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(_buffer, Position, 2));
            Position += 2;
            return value;
        }

        public uint U32()
        {
            Need(4);
            var value = BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(_buffer, Position, 4));
            Position += 4;
            return value;
        }

        public long I64()
        {
            Need(8);
            var value = BinaryPrimitives.ReadInt64BigEndian(new ReadOnlySpan<byte>(_buffer, Position, 8));
            Position += 8;
            return value;
        }

        public ulong U64()
        {
            Need(8);
            var value = BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(_buffer, Position, 8));
            Position += 8;
            return value;
        }

        public byte[] Fixed(int count)
        {
            Need(count);
            var result = new byte[count];
            Buffer.BlockCopy(_buffer, Position, result, 0, count);
            Position += count;
            return result;
        }

        public byte[] Bytes(int maxLength)
        {
            var count = U32();
            if (count > (uint)maxLength)
                throw new InvalidDataException($"A byte field claims {count} bytes; at most {maxLength} are allowed.");
            return Fixed((int)count);
        }

        public string ShortString(int maxBytes) => Text(U16(), maxBytes);

        public string LongString(int maxBytes)
        {
            var count = U32();
            if (count > (uint)maxBytes)
                throw new InvalidDataException($"A string claims {count} bytes; at most {maxBytes} are allowed.");
            return Text((int)count, maxBytes);
        }

        /// <summary>A list count, refused if the remaining bytes could not hold that many elements.</summary>
        public int Count(int minElementBytes)
        {
            var count = U32();
            if (count > (uint)(Remaining / Math.Max(1, minElementBytes)))
                throw new InvalidDataException($"A list claims {count} elements, more than the frame can hold.");
            return (int)count;
        }

        public void End()
        {
            if (Remaining != 0)
                throw new InvalidDataException($"{Remaining} unexpected bytes follow the message.");
        }

        private string Text(int count, int maxBytes)
        {
            if (count > maxBytes)
                throw new InvalidDataException($"A string claims {count} bytes; at most {maxBytes} are allowed.");
            Need(count);
            string value;
            try
            {
                value = Utf8.GetString(_buffer, Position, count);
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException("A string is not valid UTF-8.");
            }

            Position += count;
            return value;
        }

        private void Need(int count)
        {
            if (count < 0 || count > Remaining)
                throw new InvalidDataException($"The message is truncated: {count} bytes needed, {Remaining} left.");
        }
    }
}
