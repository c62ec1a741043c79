using System;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class SuspicionTests
    {
        private static readonly Suspicion Default = new Suspicion(4, TimeSpan.FromMilliseconds(200));

        [Fact]
        public void The_minimum_grows_with_log10_of_the_network_size_and_never_falls_below_one_second()
        {
            Assert.Equal(1000, Default.MinimumMs(1));
            Assert.Equal(4 * Math.Log10(100) * 200, Default.MinimumMs(99), 6);
            Assert.Equal(4 * Math.Log10(1000) * 200, Default.MinimumMs(999), 6);
        }

        [Fact]
        public void Without_confirmations_a_suspect_gets_three_times_the_minimum() =>
            Assert.Equal(3 * Default.MinimumMs(99), Default.TimeoutMs(99, 0), 6);

        [Fact]
        public void Each_confirmation_shortens_the_timeout_down_to_the_minimum_and_no_further()
        {
            var previous = double.MaxValue;
            for (var confirmations = 0; confirmations <= Suspicion.ExpectedConfirmations; confirmations++)
            {
                var timeout = Default.TimeoutMs(99, confirmations);
                Assert.True(timeout < previous, $"{confirmations} confirmations: {timeout} ms is not shorter than {previous} ms.");
                previous = timeout;
            }

            Assert.Equal(Default.MinimumMs(99), previous, 6);
            Assert.Equal(previous, Default.TimeoutMs(99, 50), 6);
        }

        [Fact]
        public void A_negative_count_from_an_empty_suspecter_set_counts_as_none() =>
            Assert.Equal(Default.TimeoutMs(30, 0), Default.TimeoutMs(30, -1));
    }
}
