using DistributedState.Dissemination;
using Xunit;

namespace DistributedState.Tests.Dissemination
{
    public sealed class BatchSpacingTests
    {
        [Theory]
        [InlineData(BatchSpacing.MinMs)]
        [InlineData(8)]
        [InlineData(BatchSpacing.MaxMs)]
        public void After_a_batch_of_one_write_the_next_goes_out_at_the_minimum_spacing(int current) =>
            Assert.Equal(BatchSpacing.MinMs, BatchSpacing.Next(current, writesInLastBatch: 1));

        [Fact]
        public void After_an_empty_flush_the_spacing_is_the_minimum() =>
            Assert.Equal(BatchSpacing.MinMs, BatchSpacing.Next(16, writesInLastBatch: 0));

        [Fact]
        public void While_batches_coalesce_several_writes_the_spacing_doubles_up_to_the_maximum()
        {
            var spacing = BatchSpacing.MinMs;
            var seen = new System.Collections.Generic.List<int>();
            for (var i = 0; i < 8; i++)
                seen.Add(spacing = BatchSpacing.Next(spacing, writesInLastBatch: 50));
            Assert.Equal(new[] { 4, 8, 16, 32, 32, 32, 32, 32 }, seen);
        }
    }
}
