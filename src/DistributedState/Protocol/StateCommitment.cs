using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DistributedState.Protocol
{
    /// <summary>
    /// An owner's commitment to its whole live state, carried inside each batch it signs: how many keys hold a value
    /// after the batch, and the sum modulo 2^256 of SHA-256 over each live <c>(key, version)</c>. A holder keeps the same
    /// figure of its own copy, so after applying batches it can tell whether its copy is exactly the owner's state at
    /// the newest of them, however the batches reached it: a relay that leaves batches out (or sends an old subset)
    /// produces a copy that does not match. The sum is order-independent and updated per key in O(1) (one hash per
    /// key that changes). It is a sum, not an XOR: an XOR of hashes is linear, so a relay holding a few hundred genuine
    /// entries could solve for a subset with the same XOR; a 256-bit modular sum (with the count) leaves only
    /// generalised-birthday searches that need vastly more genuine entries than an owner ever signs.
    /// Immutable; safe to share.
    /// </summary>
    internal readonly struct StateCommitment : IEquatable<StateCommitment>
    {
        /// <summary>Bytes on the wire: <c>u32 live_count || 32-byte sum</c>.</summary>
        public const int Length = 4 + 32;

        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v1 live entry");
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        [ThreadStatic]
        private static IncrementalHash? _sha256;

        [ThreadStatic]
        private static byte[]? _scratch;

        // The sum as four 64-bit limbs, most significant first (the wire order).
        private readonly ulong _s0;
        private readonly ulong _s1;
        private readonly ulong _s2;
        private readonly ulong _s3;

        private StateCommitment(uint count, ulong s0, ulong s1, ulong s2, ulong s3)
        {
            LiveCount = count;
            _s0 = s0;
            _s1 = s1;
            _s2 = s2;
            _s3 = s3;
        }

        /// <summary>The commitment to a state with no live key.</summary>
        public static StateCommitment Empty => default;

        /// <summary>How many keys hold a value.</summary>
        public uint LiveCount { get; }

        /// <summary>The commitment after a key gains a value at <paramref name="version"/> (it held none).</summary>
        public StateCommitment With(string key, long version)
        {
            var h = EntryHash(key, version);
            var s3 = _s3 + h.H3;
            var carry = s3 < h.H3 ? 1UL : 0;
            var s2 = Add(_s2, h.H2, ref carry);
            var s1 = Add(_s1, h.H1, ref carry);
            var s0 = _s0 + h.H0 + carry;
            return new StateCommitment(LiveCount + 1, s0, s1, s2, s3);
        }

        /// <summary>The commitment after a key's value at <paramref name="version"/> is replaced or removed.</summary>
        public StateCommitment Without(string key, long version)
        {
            var h = EntryHash(key, version);
            var s3 = _s3 - h.H3;
            var borrow = _s3 < h.H3 ? 1UL : 0;
            var s2 = Subtract(_s2, h.H2, ref borrow);
            var s1 = Subtract(_s1, h.H1, ref borrow);
            var s0 = _s0 - h.H0 - borrow;
            return new StateCommitment(LiveCount - 1, s0, s1, s2, s3);
        }

        public void Write(WireWriter writer)
        {
            writer.U32(LiveCount);
            writer.U64(_s0);
            writer.U64(_s1);
            writer.U64(_s2);
            writer.U64(_s3);
        }

        public static StateCommitment Read(WireReader reader) =>
            new StateCommitment(reader.U32(), reader.U64(), reader.U64(), reader.U64(), reader.U64());

        public bool Equals(StateCommitment other) =>
            LiveCount == other.LiveCount && _s0 == other._s0 && _s1 == other._s1 && _s2 == other._s2 && _s3 == other._s3;

        public override bool Equals(object? obj) => obj is StateCommitment other && Equals(other);

        public override int GetHashCode() => (int)(_s3 ^ (_s3 >> 32)) ^ (int)LiveCount;

        public static bool operator ==(StateCommitment left, StateCommitment right) => left.Equals(right);

        public static bool operator !=(StateCommitment left, StateCommitment right) => !left.Equals(right);

        /// <summary>For logs: the count and the first bytes of the sum.</summary>
        public override string ToString() => $"{LiveCount} live, sum {_s0:x16}…";

        private static ulong Add(ulong a, ulong b, ref ulong carry)
        {
            var sum = a + b;
            var next = sum < a ? 1UL : 0;
            var total = sum + carry;
            if (total < sum)
                next = 1;
            carry = next;
            return total;
        }

        private static ulong Subtract(ulong a, ulong b, ref ulong borrow)
        {
            var difference = a - b;
            var next = a < b ? 1UL : 0;
            var total = difference - borrow;
            if (difference < borrow)
                next = 1;
            borrow = next;
            return total;
        }

        /// <summary>SHA-256(<c>"dsn/v1 live entry" || short-string key || i64 version</c>) as four big-endian limbs.</summary>
        private static (ulong H0, ulong H1, ulong H2, ulong H3) EntryHash(string key, long version)
        {
            var scratch = _scratch;
            var needed = 2 + Utf8.GetMaxByteCount(key.Length) + 8;
            if (scratch is null || scratch.Length < needed)
                _scratch = scratch = new byte[Math.Max(needed, 2 + ProtocolLimits.MaxKeyBytes + 8)];
            var keyBytes = Utf8.GetBytes(key, 0, key.Length, scratch, 2);
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(scratch, 0, 2), (ushort)keyBytes);
            BinaryPrimitives.WriteInt64BigEndian(new Span<byte>(scratch, 2 + keyBytes, 8), version);
            var sha = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(Label);
            sha.AppendData(scratch, 0, 2 + keyBytes + 8);
            var hash = sha.GetHashAndReset();
            return (BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(hash, 0, 8)),
                BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(hash, 8, 8)),
                BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(hash, 16, 8)),
                BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(hash, 24, 8)));
        }
    }
}
