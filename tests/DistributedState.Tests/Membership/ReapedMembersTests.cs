using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class ReapedMembersTests
    {
        [Fact]
        public void Old_statements_of_a_reaped_member_are_stale_and_a_higher_incarnation_is_news()
        {
            var reaped = new ReapedMembers();
            reaped.Remember("web1", incarnation: 7, untilMs: 1000);
            Assert.True(reaped.IsStale("web1", 7));
            Assert.True(reaped.IsStale("WEB1", 3)); // NodeIds ignore case
            Assert.False(reaped.IsStale("web1", 8));
            Assert.False(reaped.IsStale("web2", 1));
        }

        [Fact]
        public void A_reaped_member_is_remembered_until_its_period_ends_or_it_comes_back()
        {
            var reaped = new ReapedMembers();
            reaped.Remember("a", 1, untilMs: 1000);
            reaped.Remember("b", 1, untilMs: 2000);
            reaped.Expire(now: 1000);
            Assert.True(reaped.Contains("a")); // the period includes its last millisecond
            reaped.Expire(now: 1001);
            Assert.False(reaped.Contains("a"));
            Assert.True(reaped.Contains("b"));
            reaped.Forget("b");
            Assert.Equal(0, reaped.Count);
        }
    }
}
