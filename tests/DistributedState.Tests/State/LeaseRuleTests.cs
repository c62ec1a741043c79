using System;
using System.Threading;
using DistributedState.State;
using Xunit;

namespace DistributedState.Tests.State
{
    /// <summary>
    /// The clock-skew rule on given clock readings: owner and receiver clocks that differ by a few seconds neither cut a
    /// lease short nor stretch it (docs/protocol.md, "Leases").
    /// </summary>
    public sealed class LeaseRuleTests
    {
        private const long Lease = 600_000; // 10 minutes
        private const long Tolerance = 5_000;
        private const long Written = 1_700_000_000_000; // the owner's clock at the write

        /// <summary>When the value expires in real time, given the receiver's clock offset from the owner's and the transit time.</summary>
        private static long ExpiresAfterWrite(long receiverAheadMs, long transitMs)
        {
            var receivedWall = Written + transitMs + receiverAheadMs; // the receiver's clock reading at receipt
            return transitMs + LeaseRule.RemainingAtReceipt(Lease, Written, receivedWall, Tolerance);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(3_000)] // receiver 3 s ahead
        [InlineData(-3_000)] // receiver 3 s behind
        [InlineData(5_000)] // ahead by the whole tolerance
        public void A_pushed_value_lives_its_lease_plus_at_most_the_transit_whatever_the_skew_within_the_tolerance(long receiverAhead)
        {
            // Pushed: arrives 20 ms after the write. Expires a lease after the write plus at most the transit: never early.
            var expires = ExpiresAfterWrite(receiverAhead, 20);
            Assert.Equal(Lease + Math.Min(20, Tolerance - receiverAhead), expires);
            Assert.InRange(expires, Lease, Lease + 20);
        }

        [Theory]
        [InlineData(0, 540_000)]
        [InlineData(3_000, 540_000)]
        [InlineData(-3_000, 540_000)]
        [InlineData(5_000, 540_000)]
        public void A_value_synced_late_is_never_early_and_late_by_at_most_the_tolerance_minus_the_skew(long receiverAhead, long transit)
        {
            // A joiner receives it 9 minutes after the write (a sync): the wall clocks decide, within the tolerance.
            var expires = ExpiresAfterWrite(receiverAhead, transit);
            Assert.True(expires >= Lease, $"expired {Lease - expires} ms early");
            Assert.Equal(Lease + Math.Min(transit, Tolerance - receiverAhead), expires);
            Assert.True(expires - Lease <= 2 * Tolerance);
        }

        [Fact]
        public void A_receiver_ahead_by_more_than_the_tolerance_cuts_the_lease_by_the_excess_only()
        {
            Assert.Equal(Lease - 2_000, ExpiresAfterWrite(receiverAheadMs: Tolerance + 2_000, transitMs: 60_000));
        }

        [Fact]
        public void A_value_whose_lease_passed_before_it_arrived_expires_at_once_and_a_lease_never_exceeds_its_length_from_receipt()
        {
            Assert.Equal(0, LeaseRule.RemainingAtReceipt(Lease, Written, Written + Lease + Tolerance + 1, Tolerance));
            // A receiver far behind the owner (or an owner whose versions ran ahead): a full lease from receipt, no more.
            Assert.Equal(Lease, LeaseRule.RemainingAtReceipt(Lease, Written, Written - 3_600_000, Tolerance));
        }

        [Fact]
        public void Leases_are_1_ms_to_30_days_or_infinite_for_none()
        {
            Assert.Null(LeaseRule.TimeToLiveProblem(TimeSpan.FromMinutes(10)));
            Assert.Null(LeaseRule.TimeToLiveProblem(TimeSpan.FromDays(30)));
            Assert.Null(LeaseRule.TimeToLiveProblem(Timeout.InfiniteTimeSpan));
            Assert.Contains("positive", LeaseRule.TimeToLiveProblem(TimeSpan.Zero));
            Assert.Contains("positive", LeaseRule.TimeToLiveProblem(TimeSpan.FromSeconds(-1)));
            Assert.Contains("30 days", LeaseRule.TimeToLiveProblem(TimeSpan.FromDays(30) + TimeSpan.FromMilliseconds(1)));
            Assert.Contains("30 days", LeaseRule.TimeToLiveProblem(TimeSpan.MaxValue));
            Assert.Equal(1u, LeaseRule.ToLeaseMs(TimeSpan.FromTicks(1))); // rounded up: never shorter than asked
            Assert.Equal(600_000u, LeaseRule.ToLeaseMs(TimeSpan.FromMinutes(10)));
            Assert.Equal(0u, LeaseRule.ToLeaseMs(Timeout.InfiniteTimeSpan));
        }
    }
}
