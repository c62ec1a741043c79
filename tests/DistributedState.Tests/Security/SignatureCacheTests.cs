using System;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class SignatureCacheTests
    {
        private static readonly IdentityKey Owner = IdentityKey.Create();
        private static readonly IdentityKey Other = IdentityKey.Create();

        private static SignedBatch Batch(IdentityKey key, string value) =>
            SignedBatch.Create(key, "web01", 100, 100, 101, new[] { new BatchEntry("role", 101, value) }, StateCommitment.Empty.With("role", 101));

        /// <summary>A copy of the batch as a receiver decodes it: new arrays, same bytes.</summary>
        private static SignedBatch Copy(SignedBatch batch)
        {
            var writer = new WireWriter();
            batch.Write(writer);
            return SignedBatch.Read(new WireReader(writer.ToArray()), new ProtocolLimits(1024, 1024));
        }

        [Fact]
        public void Thousands_of_copies_of_one_batch_cost_one_verification()
        {
            var counters = new Counters();
            var cache = new SignatureCache(16, counters, "sig");
            using var verifier = SignatureVerifier.For(Owner.PublicKey);
            var batch = Batch(Owner, "db");
            for (var i = 0; i < 9000; i++)
                Assert.True(Copy(batch).IsSignedBy(verifier, cache));
            var seen = counters.Snapshot();
            Assert.Equal(1, seen["sig.checked"]);
            Assert.Equal(8999, seen["sig.cached"]);
            Assert.Equal(1, cache.Count);
        }

        [Fact]
        public void Forgeries_are_never_remembered_and_another_key_is_another_entry()
        {
            var counters = new Counters();
            var cache = new SignatureCache(16, counters, "sig");
            using var owner = SignatureVerifier.For(Owner.PublicKey);
            using var other = SignatureVerifier.For(Other.PublicKey);
            var forged = Batch(Other, "pwned");
            Assert.False(forged.IsSignedBy(owner, cache));
            Assert.False(Copy(forged).IsSignedBy(owner, cache));
            Assert.Equal(2, counters.Snapshot()["sig.checked"]);
            Assert.Equal(0, cache.Count);

            // The same bytes are genuine for their real signer; that does not make them the owner's.
            Assert.True(forged.IsSignedBy(other, cache));
            Assert.False(Copy(forged).IsSignedBy(owner, cache));
            Assert.True(Copy(forged).IsSignedBy(other, cache));
            Assert.Equal(1, counters.Snapshot()["sig.cached"]);
        }

        [Fact]
        public void A_disposed_verifier_is_refused_even_for_a_remembered_signature()
        {
            var cache = new SignatureCache(16, new Counters(), "sig");
            var verifier = SignatureVerifier.For(Owner.PublicKey);
            var batch = Batch(Owner, "db");
            Assert.True(batch.IsSignedBy(verifier, cache));
            verifier.Dispose();
            Assert.False(Copy(batch).IsSignedBy(verifier, cache));
        }

        [Fact]
        public void Beyond_its_capacity_the_oldest_signatures_are_forgotten()
        {
            var counters = new Counters();
            var cache = new SignatureCache(3, counters, "sig");
            using var verifier = SignatureVerifier.For(Owner.PublicKey);
            var batches = new SignedBatch[5];
            for (var i = 0; i < batches.Length; i++)
            {
                batches[i] = Batch(Owner, "v" + i);
                Assert.True(batches[i].IsSignedBy(verifier, cache));
            }

            Assert.Equal(3, cache.Count);
            Assert.True(Copy(batches[4]).IsSignedBy(verifier, cache)); // remembered
            Assert.Equal(1, counters.Snapshot()["sig.cached"]);
            Assert.True(Copy(batches[0]).IsSignedBy(verifier, cache)); // forgotten: verified again, still genuine
            Assert.Equal(6, counters.Snapshot()["sig.checked"]);
            Assert.Equal(3, cache.Count);
        }

        [Fact]
        public void A_record_checked_once_is_not_checked_again_by_any_verifier_of_its_key()
        {
            var content = System.Text.Encoding.ASCII.GetBytes("dsn/v2 alive: any signed content");
            var signature = Owner.Sign(content);
            object? memo = null;
            var calls = 0;
            byte[] Content()
            {
                calls++;
                return content;
            }

            using var first = SignatureVerifier.For(Owner.PublicKey);
            using var second = SignatureVerifier.For(Owner.PublicKey); // another member table's verifier of the same key
            using var other = SignatureVerifier.For(Other.PublicKey);
            Assert.True(first.VerifyOnce(ref memo, Content, signature));
            Assert.True(second.VerifyOnce(ref memo, Content, signature));
            Assert.Equal(1, calls);
            Assert.False(other.VerifyOnce(ref memo, Content, signature));
            Assert.Equal(2, calls);
            second.Dispose();
            Assert.False(second.VerifyOnce(ref memo, Content, signature));

            // And the records use it: verified once, then free.
            var record = AliveRecord.Create(Owner, "web01", 1, "127.0.0.1", 7946);
            Assert.True(record.IsSignedBy(first));
            Assert.True(record.IsSignedBy(first));
            Assert.False(record.IsSignedBy(other));
        }

        [Fact]
        public void Nonsense_capacity_is_refused() =>
            Assert.Throws<ArgumentOutOfRangeException>(() => new SignatureCache(0, new Counters(), "sig"));
    }
}
