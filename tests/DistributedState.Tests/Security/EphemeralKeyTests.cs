using System;
using System.Linq;
using System.Security.Cryptography;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class EphemeralKeyTests
    {
        [Fact]
        public void This_runtime_offers_Diffie_Hellman_found_at_run_time()
        {
            Assert.True(EphemeralKey.Available);
        }

        [Fact]
        public void Both_ends_derive_the_same_secret_the_SHA256_of_the_shared_x_coordinate()
        {
            using var a = EphemeralKey.Create();
            using var b = EphemeralKey.Create();
            Assert.Equal(65, a.PublicKey.Length);
            Assert.Equal(4, a.PublicKey[0]);
            Assert.NotEqual(a.PublicKey, b.PublicKey);

            var secret = a.DeriveSharedSecret(b.PublicKey);
            Assert.Equal(EphemeralKey.SharedSecretLength, secret.Length);
            Assert.Equal(secret, b.DeriveSharedSecret(a.PublicKey));

            // The same agreement computed by the platform API that netstandard2.0 cannot name (.NET 8+).
            using var c = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var q = c.ExportParameters(false).Q;
            var cPublic = new byte[] { 4 }.Concat(q.X!).Concat(q.Y!).ToArray();
            using var aPublic = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = a.PublicKey.AsSpan(1, 32).ToArray(), Y = a.PublicKey.AsSpan(33, 32).ToArray() },
            });
            var raw = c.DeriveRawSecretAgreement(aPublic.PublicKey);
            Assert.Equal(SHA256.HashData(raw), a.DeriveSharedSecret(cPublic));
        }

        [Fact]
        public void A_peer_key_that_is_not_a_point_of_the_curve_is_refused()
        {
            using var a = EphemeralKey.Create();
            using var b = EphemeralKey.Create();
            var offCurve = (byte[])b.PublicKey.Clone();
            offCurve[64] ^= 1;
            var compressed = (byte[])b.PublicKey.Clone();
            compressed[0] = 2;
            foreach (var bad in new[] { offCurve, compressed, new byte[65], b.PublicKey.Take(64).ToArray(), b.PublicKey.Concat(new byte[1]).ToArray(), Array.Empty<byte>() })
                Assert.ThrowsAny<CryptographicException>(() => a.DeriveSharedSecret(bad));
        }
    }
}
