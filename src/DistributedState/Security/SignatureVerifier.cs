using System;
using System.Security.Cryptography;

namespace DistributedState.Security
{
    /// <summary>Verifies signatures of one public key; built once per member because importing a key is costly.</summary>
    internal sealed class SignatureVerifier : IDisposable
    {
        private readonly ECDsa? _key;
        private readonly object _lock = new object();

        private SignatureVerifier(ECDsa? key) => _key = key;

        /// <summary>A verifier for a 65-byte uncompressed P-256 point; an invalid point yields a verifier that rejects everything.</summary>
        public static SignatureVerifier For(byte[] publicKey)
        {
            if (publicKey.Length != IdentityKey.PublicKeyLength || publicKey[0] != 0x04)
                return new SignatureVerifier(null);
            var x = new byte[32];
            var y = new byte[32];
            Buffer.BlockCopy(publicKey, 1, x, 0, 32);
            Buffer.BlockCopy(publicKey, 33, y, 0, 32);
            try
            {
                return new SignatureVerifier(ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } }));
            }
            catch (CryptographicException)
            {
                return new SignatureVerifier(null); // not a point on the curve
            }
        }

        public bool Verify(byte[] data, int offset, int count, byte[] signature)
        {
            if (_key is null || signature.Length != IdentityKey.SignatureLength)
                return false;
            lock (_lock)
                return _key.VerifyData(data, offset, count, signature, HashAlgorithmName.SHA256);
        }

        public bool Verify(byte[] data, byte[] signature) => Verify(data, 0, data.Length, signature);

        /// <summary>Verifies a signature made with SignData over content whose SHA-256 the caller computed.</summary>
        public bool VerifyHash(byte[] sha256, byte[] signature)
        {
            if (_key is null || signature.Length != IdentityKey.SignatureLength)
                return false;
            lock (_lock)
                return _key.VerifyHash(sha256, signature);
        }

        public void Dispose() => _key?.Dispose();
    }
}
