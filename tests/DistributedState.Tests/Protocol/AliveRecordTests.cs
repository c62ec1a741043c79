using System;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Protocol
{
    public sealed class AliveRecordTests
    {
        [Fact]
        public void The_run_is_part_of_what_the_member_signs()
        {
            using var key = IdentityKey.Create();
            using var verifier = SignatureVerifier.For(key.PublicKey);
            var run = new RunIdentity(1_700_000_000_000, 42);
            var record = AliveRecord.Create(key, "web01", 7, "127.0.0.1", 7946, run);
            Assert.Equal(run, record.Run);
            Assert.True(record.IsSignedBy(verifier));

            var otherRun = new AliveRecord("web01", record.PublicKey, 7, "127.0.0.1", 7946, record.Signature, new RunIdentity(run.StartedMs, 43));
            var otherStart = new AliveRecord("web01", record.PublicKey, 7, "127.0.0.1", 7946, record.Signature, new RunIdentity(run.StartedMs + 1, 42));
            Assert.False(otherRun.IsSignedBy(verifier));
            Assert.False(otherStart.IsSignedBy(verifier));
        }

        [Fact]
        public void Each_record_made_without_a_run_names_a_new_one()
        {
            using var key = IdentityKey.Create();
            Assert.NotEqual(AliveRecord.Create(key, "web01", 1, "h", 1).Run, AliveRecord.Create(key, "web01", 1, "h", 1).Run);
        }

        [Fact]
        public void A_start_time_beyond_the_calendar_still_reads_as_a_time()
        {
            Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), new RunIdentity(long.MaxValue, 1).Started.ToUnixTimeMilliseconds());
            Assert.Equal(DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), new RunIdentity(long.MinValue, 1).Started.ToUnixTimeMilliseconds());
            Assert.Contains("run ", new RunIdentity(long.MaxValue, 1).ToString());
        }

        [Fact]
        public void A_run_is_newer_by_its_start_then_by_its_id()
        {
            Assert.True(new RunIdentity(2, 0).IsNewerThan(new RunIdentity(1, ulong.MaxValue)));
            Assert.True(new RunIdentity(1, 2).IsNewerThan(new RunIdentity(1, 1)));
            Assert.False(new RunIdentity(1, 1).IsNewerThan(new RunIdentity(1, 1)));
        }
    }
}
