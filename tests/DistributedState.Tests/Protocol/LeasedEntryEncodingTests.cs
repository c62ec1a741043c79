using System.IO;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Protocol
{
    public sealed class LeasedEntryEncodingTests
    {
        private static readonly ProtocolLimits Limits = new ProtocolLimits(1024 * 1024, 1024 * 1024);

        private static SignedBatch RoundTrip(SignedBatch batch)
        {
            var writer = new WireWriter(256);
            batch.Write(writer);
            return SignedBatch.Read(new WireReader(writer.ToArray()), Limits);
        }

        [Fact]
        public void A_lease_costs_four_bytes_on_the_wire_and_a_lapsed_removal_none_and_both_round_trip_signed()
        {
            using var key = IdentityKey.Create();
            var plain = SignedBatch.Create(key, "web01", 100, 100, 101, new[] { new BatchEntry("status", 101, "ok") }, StateCommitment.Empty.With("status", 101));
            var leased = SignedBatch.Create(key, "web01", 100, 100, 101, new[] { new BatchEntry("status", 101, "ok", leaseMs: 600_000) }, StateCommitment.Empty.With("status", 101));
            var removed = SignedBatch.Create(key, "web01", 100, 101, 102, new[] { new BatchEntry("status", 102, null) }, StateCommitment.Empty);
            var lapsed = SignedBatch.Create(key, "web01", 100, 101, 102, new[] { new BatchEntry("status", 102, null, lapsed: true) }, StateCommitment.Empty);
            Assert.Equal(plain.Size + 4, leased.Size);
            Assert.Equal(removed.Size, lapsed.Size);

            using var verifier = SignatureVerifier.For(key.PublicKey);
            var read = RoundTrip(leased);
            Assert.True(read.IsSignedBy(verifier));
            Assert.Equal(600_000u, Assert.Single(read.Entries).LeaseMs);
            var readLapsed = Assert.Single(RoundTrip(lapsed).Entries);
            Assert.True(readLapsed.Lapsed);
            Assert.Null(readLapsed.Value);
            Assert.False(Assert.Single(RoundTrip(removed).Entries).Lapsed);
        }

        [Fact]
        public void A_removal_never_carries_a_lease_and_a_value_is_never_lapsed()
        {
            Assert.Equal(0u, new BatchEntry("k", 1, null, leaseMs: 5).LeaseMs);
            Assert.False(new BatchEntry("k", 1, "v", lapsed: true).Lapsed);
        }
    }
}
