using System.Collections.Generic;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class DialPlannerTests
    {
        private static readonly HashSet<string> Nobody = new HashSet<string>();

        private static List<string> Choose(DialPlanner planner, IEnumerable<string> live, long now, ISet<string>? connected = null,
            ISet<string>? busy = null, int target = 10) =>
            planner.Choose(live, id => (connected ?? Nobody).Contains(id), id => (busy ?? Nobody).Contains(id), connected?.Count ?? 0, target, now);

        [Fact]
        public void The_smaller_NodeId_of_a_pair_dials_after_one_second_the_larger_after_three()
        {
            var b = new DialPlanner("b");
            var live = new[] { "a", "c" };
            Assert.Empty(Choose(b, live, now: 0)); // both clocks start now
            Assert.Empty(Choose(b, live, now: DialPlanner.SmallerIdWaitMs));
            Assert.Equal(new[] { "c" }, Choose(b, live, now: DialPlanner.SmallerIdWaitMs + 1)); // b < c: b dials c first
            Assert.Equal(new[] { "a", "c" }, Choose(b, live, now: DialPlanner.LargerIdWaitMs + 1));
        }

        [Fact]
        public void A_member_that_got_a_connection_starts_its_wait_again_when_it_loses_it()
        {
            var a = new DialPlanner("a");
            Choose(a, new[] { "b" }, now: 0);
            Choose(a, new[] { "b" }, now: 500, connected: new HashSet<string> { "b" });
            Assert.Empty(Choose(a, new[] { "b" }, now: 1200)); // the clock restarted at 1200, not at 0
            Assert.Equal(new[] { "b" }, Choose(a, new[] { "b" }, now: 1200 + DialPlanner.SmallerIdWaitMs + 1));
        }

        [Fact]
        public void Dials_stop_at_the_target_and_skip_members_being_dialled_or_held_off()
        {
            var a = new DialPlanner("a");
            var live = new[] { "b", "c", "d", "e" };
            Choose(a, live, now: 0);
            var chosen = Choose(a, live, now: 5000, connected: new HashSet<string> { "x" }, busy: new HashSet<string> { "b" }, target: 3);
            Assert.Equal(new[] { "c", "d" }, chosen); // one connection plus two dials reach the target of three; b is busy
        }

        [Fact]
        public void The_wait_rule_ignores_case_like_every_NodeId_comparison()
        {
            var planner = new DialPlanner("B");
            Choose(planner, new[] { "a", "c" }, now: 0);
            Assert.Equal(new[] { "c" }, Choose(planner, new[] { "a", "c" }, now: DialPlanner.SmallerIdWaitMs + 1));
        }
    }
}
