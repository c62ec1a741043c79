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

        /// <summary>Lets go of the shared key; a disposed verifier rejects everything.</summary>
        public void Dispose() => _key = null;
    }
}
