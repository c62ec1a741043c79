using DistributedState.Sessions;
using Xunit;

namespace DistributedState.Tests.Sessions
{
    public sealed class HoldOffsTests
    {
        [Fact]
        public void A_peer_is_held_off_until_its_time_and_any_case_of_its_NodeId_counts()
        {
            var holdOffs = new HoldOffs();
            holdOffs.HoldOff("Web1", untilMs: 30_000);
            Assert.True(holdOffs.IsHeldOff("web1", now: 29_999));
            Assert.False(holdOffs.IsHeldOff("web1", now: 30_000));
            Assert.False(holdOffs.IsHeldOff("db1", now: 0));
        }

        [Fact]
        public void Ended_hold_offs_are_forgotten_and_a_new_shed_extends_one()
        {
            var holdOffs = new HoldOffs();
            holdOffs.HoldOff("a", 100);
            holdOffs.HoldOff("b", 100);
            holdOffs.HoldOff("b", 500);
            holdOffs.Expire(now: 100);
            Assert.Equal(1, holdOffs.Count);
            Assert.True(holdOffs.IsHeldOff("b", now: 100));
        }
    }
}
