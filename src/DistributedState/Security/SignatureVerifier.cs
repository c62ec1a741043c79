using System;

namespace DistributedState.Security
{
    /// <summary>
    /// Verifies signatures of one public key. The imported key is shared with every other verifier of the same key
    /// in the process (<see cref="SharedPublicKey"/>), so a verifier per member per node costs next to nothing.
    /// </summary>
    internal sealed class SignatureVerifier : IDisposable
    {
        private volatile SharedPublicKey? _key;

        private SignatureVerifier(SharedPublicKey? key) => _key = key;

        /// <summary>A verifier for a 65-byte uncompressed P-256 point; an invalid point yields a verifier that rejects everything.</summary>
        public static SignatureVerifier For(byte[] publicKey) => new SignatureVerifier(SharedPublicKey.For(publicKey));

        public bool Verify(byte[] data, int offset, int count, byte[] signature)
        {
            var key = _key;
            return key is not null && signature.Length == IdentityKey.SignatureLength && key.VerifyData(data, offset, count, signature);
        }

        public bool Verify(byte[] data, byte[] signature) => Verify(data, 0, data.Length, signature);

        /// <summary>Verifies a signature made with SignData over content whose SHA-256 the caller computed.</summary>
        public bool VerifyHash(byte[] sha256, byte[] signature)
        {
            var key = _key;
            return key is not null && signature.Length == IdentityKey.SignatureLength && key.VerifyHash(sha256, signature);
        }

        /// <summary>
        /// Verifies a record's signature at most once per key: <paramref name="memo"/> (a field of the immutable record)
        /// remembers the key that accepted it, so a record checked off the node's lock is not checked again under it,
        /// whichever verifier of that key asks.
        /// </summary>
        public bool VerifyOnce(ref object? memo, Func<byte[]> content, byte[] signature)
        {
            var key = _key;
            if (key is null)
                return false;
            if (ReferenceEquals(System.Threading.Volatile.Read(ref memo), key))
                return true;
            if (!Verify(content(), signature))
                return false;
            System.Threading.Volatile.Write(ref memo, key);
            return true;
        }

        /// <summary>The shared key this verifier checks with (one object per key in the process), or null once disposed.</summary>
        internal object? Key => _key;

        /// <summary>Lets go of the shared key; a disposed verifier rejects everything.</summary>
        public void Dispose() => _key = null;
    }
}
