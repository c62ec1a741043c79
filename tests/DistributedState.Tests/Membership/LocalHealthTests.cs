using System.Linq;
using System.Threading.Tasks;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class LocalHealthTests
    {
        [Fact]
        public void Starts_healthy_with_factor_one()
        {
            var health = new LocalHealth();
            Assert.Equal((0, 1.0), (health.Score, health.Factor));
        }

        [Fact]
        public void Moves_one_step_at_a_time_between_zero_and_the_maximum()
        {
            var health = new LocalHealth();
            health.Better();
            Assert.Equal(0, health.Score);
            for (var i = 0; i < LocalHealth.Maximum + 5; i++)
                health.Worse();
            Assert.Equal((LocalHealth.Maximum, 1.0 + LocalHealth.Maximum), (health.Score, health.Factor));
            health.Better();
            Assert.Equal(LocalHealth.Maximum - 1, health.Score);
        }

        [Fact]
        public void Concurrent_steps_are_not_lost()
        {
            var health = new LocalHealth();
            Parallel.For(0, 4, _ =>
            {
                foreach (var __ in Enumerable.Range(0, 10_000))
                {
                    health.Worse();
                    health.Better();
                }
            });
            Assert.Equal(0, health.Score);
        }
    }
}
