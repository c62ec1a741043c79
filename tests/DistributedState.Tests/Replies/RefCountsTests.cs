using DistributedState.Internal;
using Xunit;

namespace DistributedState.Tests.Replies
{
    public sealed class RefCountsTests
    {
        [Fact]
        public void Overlapping_work_keeps_a_name_until_the_last_one_finishes()
        {
            var inFlight = new RefCounts(NameRules.NodeIdComparer);
            inFlight.Add("web1");
            inFlight.Add("WEB1");
            Assert.False(inFlight.Release("web1"));
            Assert.True(inFlight.Contains("web1"));
            Assert.True(inFlight.Release("Web1"));
            Assert.False(inFlight.Contains("web1"));
        }

        [Fact]
        public void Releasing_what_is_not_under_way_changes_nothing()
        {
            var inFlight = new RefCounts(NameRules.NodeIdComparer);
            Assert.False(inFlight.Release("ghost"));
            inFlight.Add("ghost");
            Assert.True(inFlight.Contains("ghost"));
        }
    }
}
