using DistributedState.State;
using Xunit;

namespace DistributedState.Tests.State
{
    public sealed class LeaseTimetableTests
    {
        [Fact]
        public void Due_leases_come_out_earliest_first_and_only_when_due()
        {
            long now = 1_000;
            var table = new LeaseTimetable(() => now, () => 1_700_000_000_000, 5_000);
            table.Add("b", "k", 3_000);
            table.Add("a", "k", 2_000);
            table.Add("a", "j", 2_000);
            Assert.Empty(table.TakeDue(1_999));
            var due = table.TakeDue(2_000);
            Assert.Equal(new[] { ("a", "j"), ("a", "k") }, due.ConvertAll(d => (d.Owner, d.Key)));
            Assert.Equal(1, table.Count);
            table.Remove("b", "k", 3_000);
            Assert.Equal(0, table.Count);
            Assert.Empty(table.TakeDue(long.MaxValue));
        }

        [Fact]
        public void Expiries_are_on_the_monotonic_clock_and_shown_on_the_wall_clock()
        {
            long monotonic = 10_000;
            long wall = 1_700_000_000_000;
            var table = new LeaseTimetable(() => monotonic, () => wall, 5_000);
            Assert.Equal(70_000, table.ExpiryOfOwnWrite(60_000));
            // Written by an owner 1 s ago by its clock (equal to ours), 60 s lease: 59 s + the 5 s tolerance left, capped at 60 s.
            Assert.Equal(70_000, table.ExpiryOnReceipt((wall - 1_000) << 12, 60_000));
            Assert.Equal(10_000 + 4_000, table.ExpiryOnReceipt((wall - 61_000) << 12, 60_000));
            Assert.Equal(wall + 5_000, table.ToWallClock(15_000).ToUnixTimeMilliseconds());
        }
    }
}
