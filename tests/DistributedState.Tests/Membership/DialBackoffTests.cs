using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class DialBackoffTests
    {
        private static readonly DsnEndpoint Unreachable = new DsnEndpoint("10.0.0.66", 22);

        [Fact]
        public void Each_failure_doubles_the_wait_up_to_a_minute()
        {
            var backoff = new DialBackoff();
            long now = 0;
            var waits = new System.Collections.Generic.List<long>();
            for (var i = 0; i < 10; i++)
            {
                Assert.True(backoff.MayDial(Unreachable, now));
                backoff.Failed(Unreachable, now);
                var wait = 0L;
                while (!backoff.MayDial(Unreachable, now + wait))
                    wait += 250;
                waits.Add(wait);
                now += wait;
            }

            Assert.Equal(new long[] { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000 }, waits);
        }

        [Fact]
        public void A_success_ends_the_wait_and_endpoints_are_judged_apart()
        {
            var backoff = new DialBackoff();
            backoff.Failed(Unreachable, 0);
            backoff.Failed(Unreachable, 1000);
            Assert.False(backoff.MayDial(Unreachable, 2500));
            Assert.True(backoff.MayDial(new DsnEndpoint("10.0.0.66", 23), 2500));
            Assert.False(backoff.MayDial(new DsnEndpoint("10.0.0.66", 22), 2500)); // equal endpoints share their state
            backoff.Succeeded(Unreachable);
            Assert.True(backoff.MayDial(Unreachable, 2500));
            backoff.Failed(Unreachable, 2500);
            Assert.True(backoff.MayDial(Unreachable, 3500)); // after a success, the first failure waits one second again
        }

        [Fact]
        public void An_endpoint_that_stopped_failing_long_ago_starts_again_from_one_second()
        {
            var backoff = new DialBackoff();
            for (var i = 0; i < 5; i++)
                backoff.Failed(Unreachable, i * 100_000);
            Assert.True(backoff.MayDial(Unreachable, 400_000 + DialBackoff.FirstWaitMs));
        }

        [Fact]
        public void Only_endpoints_failing_now_are_remembered()
        {
            var backoff = new DialBackoff();
            for (var port = 1; port <= 300; port++)
                backoff.Failed(new DsnEndpoint("10.0.0.66", port), 0);
            Assert.Equal(300, backoff.Count);
            backoff.Failed(Unreachable, 10 * DialBackoff.MaxWaitMs);
            Assert.Equal(1, backoff.Count);
        }
    }
}
