using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Internal;
using Xunit;

namespace DistributedState.Tests.Limits
{
    public sealed class TokenBucketTests
    {
        [Fact]
        public void A_full_bucket_allows_its_burst_and_then_refuses_until_an_interval_passes()
        {
            var bucket = new TokenBucket(capacity: 3, intervalMs: 500);
            Assert.Equal(new[] { true, true, true, false, false }, Enumerable.Range(0, 5).Select(_ => bucket.TryTake(1000)).ToArray());
            Assert.False(bucket.TryTake(1499));
            Assert.True(bucket.TryTake(1500));
            Assert.False(bucket.TryTake(1500));
        }

        [Fact]
        public void A_flood_gets_one_action_per_interval_after_the_burst()
        {
            var bucket = new TokenBucket(capacity: 3, intervalMs: 500);
            var allowed = 0;
            for (long now = 0; now < 10_000; now += 5)
            {
                if (bucket.TryTake(now))
                    allowed++;
            }

            // The burst, then one per 500 ms over the remaining ten seconds (the first token is regained at 500 ms).
            Assert.Equal(3 + 19, allowed);
        }

        [Fact]
        public void Time_spent_full_earns_nothing_beyond_the_capacity()
        {
            var bucket = new TokenBucket(capacity: 2, intervalMs: 100);
            Assert.True(bucket.TryTake(0));
            Assert.True(bucket.TryTake(1_000_000));
            Assert.True(bucket.TryTake(1_000_000));
            Assert.False(bucket.TryTake(1_000_000));
            Assert.False(bucket.TryTake(1_000_099));
            Assert.True(bucket.TryTake(1_000_100));
        }

        [Fact]
        public void Partial_intervals_add_up()
        {
            var bucket = new TokenBucket(capacity: 1, intervalMs: 100);
            Assert.True(bucket.TryTake(0));
            Assert.False(bucket.TryTake(60));
            Assert.True(bucket.TryTake(100)); // 60 ms waited earlier still count
            Assert.False(bucket.TryTake(160));
            Assert.False(bucket.TryTake(199));
            Assert.True(bucket.TryTake(200));
        }

        [Fact]
        public void Concurrent_callers_never_take_more_than_there_is()
        {
            var bucket = new TokenBucket(capacity: 50, intervalMs: 1_000_000);
            var taken = 0;
            Parallel.For(0, 1000, _ =>
            {
                if (bucket.TryTake(0))
                    System.Threading.Interlocked.Increment(ref taken);
            });
            Assert.Equal(50, taken);
        }

        [Fact]
        public void Nonsense_settings_are_refused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(0, 100));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(1, 0));
        }
    }
}
