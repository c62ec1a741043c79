using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.State;
using Xunit;

namespace DistributedState.Tests.State
{
    public sealed class HybridClockTests
    {
        private const long Noon = 1_800_000_000_000; // 2027-01-15, in ms since the Unix epoch

        [Fact]
        public void A_version_tells_the_wall_clock_time_it_was_written()
        {
            var clock = new HybridClock(() => Noon);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Noon), HybridClock.ToTime(clock.Next()));
        }

        [Fact]
        public void Within_one_millisecond_versions_count_up()
        {
            var clock = new HybridClock(() => Noon);
            var first = clock.Next();
            Assert.Equal(new[] { first + 1, first + 2 }, new[] { clock.Next(), clock.Next() });
        }

        [Fact]
        public void A_wall_clock_that_goes_back_does_not_take_versions_back()
        {
            var now = Noon;
            var clock = new HybridClock(() => now);
            var before = clock.Next();
            now -= 60_000;
            Assert.True(clock.Next() > before);
        }

        [Fact]
        public void Observing_a_newer_version_of_this_owner_lifts_the_clock_above_it()
        {
            var clock = new HybridClock(() => Noon);
            var fromTheNetwork = (Noon + 3_600_000) << 12;
            clock.Observe(fromTheNetwork);
            Assert.True(clock.Next() > fromTheNetwork);
            clock.Observe(1);
            Assert.True(clock.Next() > fromTheNetwork + 1);
        }

        [Fact]
        public void Concurrent_writers_never_share_a_version()
        {
            var clock = new HybridClock(() => Noon);
            var versions = new long[4][];
            Parallel.For(0, 4, i => versions[i] = Enumerable.Range(0, 10_000).Select(_ => clock.Next()).ToArray());
            Assert.Equal(40_000, versions.SelectMany(v => v).Distinct().Count());
        }

        [Fact]
        public void Versions_out_of_the_calendar_are_clamped()
        {
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(0), HybridClock.ToTime(-5));
            Assert.Equal(DateTimeOffset.MaxValue.ToUniversalTime().Year, HybridClock.ToTime(long.MaxValue).Year);
        }
    }
}
