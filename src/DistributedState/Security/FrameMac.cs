using System;
using System.Security.Cryptography;

namespace DistributedState.Security
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104) with one key, computed with a SHA-256 instance shared by every <see cref="FrameMac"/> on
    /// the thread. An <see cref="HMACSHA256"/> per session direction holds a native context of about a kilobyte; a node
    /// with a hundred sessions held two hundred of them. The price is hashing the two 64-byte pad blocks per frame
    /// (a fraction of a microsecond) instead of resuming precomputed states.
    /// </summary>
    internal sealed class FrameMac
    {
        private const int BlockLength = 64;

        [ThreadStatic]
        private static IncrementalHash? _sha256;

        private readonly byte[] _innerPad = new byte[BlockLength];
        private readonly byte[] _outerPad = new byte[BlockLength];

        public FrameMac(byte[] key)
        {
            if (key.Length > BlockLength)
                throw new ArgumentException("An HMAC key longer than the hash block is not used here.", nameof(key));
            for (var i = 0; i < BlockLength; i++)
            {
                var k = i < key.Length ? key[i] : (byte)0;
                _innerPad[i] = (byte)(k ^ 0x36);
                _outerPad[i] = (byte)(k ^ 0x5c);
            }
        }

        /// <summary>HMAC-SHA256 of <c>data[offset .. offset+count)</c>: 32 bytes.</summary>
        public byte[] Compute(byte[] data, int offset, int count)
        {
            var sha = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(_innerPad);
            sha.AppendData(data, offset, count);
            var inner = sha.GetHashAndReset();
            sha.AppendData(_outerPad);
            sha.AppendData(inner);
            return sha.GetHashAndReset();
        }
    }
}
