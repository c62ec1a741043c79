using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class SharedPublicKeyTests
    {
        [Fact]
        public void Every_verifier_of_one_key_uses_the_same_imported_key()
        {
            using var identity = IdentityKey.Create();
            var first = SharedPublicKey.For(identity.PublicKey);
            Assert.NotNull(first);
            Assert.Same(first, SharedPublicKey.For((byte[])identity.PublicKey.Clone()));
        }

        [Fact]
        public void A_malformed_or_off_curve_key_has_no_shared_key_and_its_verifier_rejects_everything()
        {
            using var identity = IdentityKey.Create();
            var data = Encoding.UTF8.GetBytes("signed");
            var signature = identity.Sign(data, 0, data.Length);
            var offCurve = (byte[])identity.PublicKey.Clone();
            offCurve[64] ^= 1;
            var compressed = (byte[])identity.PublicKey.Clone();
            compressed[0] = 0x02;
            foreach (var bad in new[] { offCurve, compressed, identity.PublicKey.Take(64).ToArray(), Array.Empty<byte>() })
            {
                Assert.Null(SharedPublicKey.For(bad));
                using var verifier = SignatureVerifier.For(bad);
                Assert.False(verifier.Verify(data, signature));
            }
        }

        [Fact]
        public void A_disposed_verifier_rejects_while_others_of_the_same_key_still_verify()
        {
            using var identity = IdentityKey.Create();
            var data = Encoding.UTF8.GetBytes("signed");
            var signature = identity.Sign(data, 0, data.Length);
            var disposed = SignatureVerifier.For(identity.PublicKey);
            using var kept = SignatureVerifier.For(identity.PublicKey);
            disposed.Dispose();
            Assert.False(disposed.Verify(data, signature));
            Assert.True(kept.Verify(data, signature));
        }

        [Fact]
        public async Task Verifications_of_one_key_on_many_threads_at_once_are_all_right()
        {
            using var identity = IdentityKey.Create();
            var data = Encoding.UTF8.GetBytes("signed");
            var good = identity.Sign(data, 0, data.Length);
            var forged = (byte[])good.Clone();
            forged[10] ^= 1;
            var hash = SHA256.HashData(data);
            var verifiers = Enumerable.Range(0, 8).Select(_ => SignatureVerifier.For(identity.PublicKey)).ToArray();
            await Task.WhenAll(verifiers.Select(verifier => Task.Run(() =>
            {
                for (var i = 0; i < 200; i++)
                {
                    Assert.True(verifier.Verify(data, good));
                    Assert.False(verifier.Verify(data, forged));
                    Assert.True(verifier.VerifyHash(hash, good));
                }
            })));
        }

        [Fact]
        public void A_key_nobody_verifies_with_any_more_is_collected()
        {
            using var identity = IdentityKey.Create();
            var weak = ImportAndForget(identity.PublicKey);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.False(weak.TryGetTarget(out _));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference<SharedPublicKey> ImportAndForget(byte[] publicKey) => new WeakReference<SharedPublicKey>(SharedPublicKey.For(publicKey)!);
    }
}
