using DistributedState.Membership;
using DistributedState.Protocol;
using Xunit;

namespace DistributedState.Tests.Membership
{
    /// <summary>Telling an earlier run of this node from another live process with its identity, on the rule alone.</summary>
    public sealed class IdentityClashTests
    {
        private static readonly RunIdentity Own = new RunIdentity(startedMs: 5_000, id: 50);
        private static readonly RunIdentity Older = new RunIdentity(startedMs: 4_000, id: 90);
        private static readonly RunIdentity Newer = new RunIdentity(startedMs: 6_000, id: 10);
        private static readonly long Window = (long)IdentityClash.Window.TotalMilliseconds;

        private readonly IdentityClash _clash = new IdentityClash(Own);

        [Fact]
        public void An_earlier_run_whose_records_outbid_this_node_a_few_times_is_only_outbid()
        {
            // A restarted node whose previous run's records (a clock that was ahead, refutations) still circulate.
            for (var i = 1; i < IdentityClash.OutbidsForProof; i++)
                Assert.Equal(ClashVerdict.None, _clash.Outbid(Older, i, out _));
            Assert.False(_clash.IsKnownClash(Older));
        }

        [Fact]
        public void A_run_that_keeps_outbidding_is_alive_and_the_newer_of_the_two_stops()
        {
            var verdict = ClashVerdict.None;
            for (var i = 1; i <= IdentityClash.OutbidsForProof; i++)
                verdict = _clash.Outbid(Older, i, out _);
            Assert.Equal(ClashVerdict.ThisRunStops, verdict);
            Assert.True(_clash.IsKnownClash(Older));

            for (var i = 1; i <= IdentityClash.OutbidsForProof; i++)
                verdict = _clash.Outbid(Newer, i, out _);
            Assert.Equal(ClashVerdict.OtherRunStops, verdict);
        }

        [Fact]
        public void Outbids_further_apart_than_the_window_do_not_add_up()
        {
            for (var i = 0; i < 2 * IdentityClash.OutbidsForProof; i++)
                Assert.Equal(ClashVerdict.None, _clash.Outbid(Older, i * (Window / (IdentityClash.OutbidsForProof - 1) + 1), out _));
        }

        [Fact]
        public void A_handshake_proves_the_other_run_alive_at_once()
        {
            Assert.Equal(ClashVerdict.ThisRunStops, _clash.ProvenAlive(Older, 0));
            Assert.Equal(ClashVerdict.OtherRunStops, new IdentityClash(Own).ProvenAlive(Newer, 0));
        }

        [Fact]
        public void The_same_start_is_decided_by_the_run_id_alike_on_both_sides()
        {
            var low = new RunIdentity(5_000, 1);
            var high = new RunIdentity(5_000, 2);
            Assert.Equal(ClashVerdict.ThisRunStops, new IdentityClash(high).ProvenAlive(low, 0));
            Assert.Equal(ClashVerdict.OtherRunStops, new IdentityClash(low).ProvenAlive(high, 0));
        }

        [Fact]
        public void A_conclusion_is_given_once_per_run()
        {
            Assert.Equal(ClashVerdict.OtherRunStops, _clash.ProvenAlive(Newer, 0));
            Assert.Equal(ClashVerdict.None, _clash.ProvenAlive(Newer, 1));
            Assert.Equal(ClashVerdict.None, _clash.Outbid(Newer, 2, out var verify));
            Assert.False(verify);
            Assert.Equal(ClashVerdict.None, _clash.Outbid(Newer, 2 * Window, out _)); // nor later
        }

        [Fact]
        public void The_endpoint_of_an_outbidding_run_is_checked_once_per_window()
        {
            _clash.Outbid(Older, 0, out var first);
            _clash.Outbid(Older, 1, out var second);
            _clash.Outbid(Older, Window + 2, out var later);
            Assert.Equal((true, false, true), (first, second, later));
        }

        [Fact]
        public void This_nodes_own_run_is_no_clash()
        {
            Assert.Equal(ClashVerdict.None, _clash.ProvenAlive(Own, 0));
            for (var i = 0; i <= IdentityClash.OutbidsForProof; i++)
            {
                Assert.Equal(ClashVerdict.None, _clash.Outbid(Own, i, out var verify));
                Assert.False(verify);
            }
        }

        [Fact]
        public void Many_runs_are_tracked_within_a_bound_and_each_still_concludes()
        {
            Assert.Equal(ClashVerdict.OtherRunStops, _clash.ProvenAlive(Newer, 0));
            for (var i = 0; i < 1_000; i++)
                _clash.Outbid(new RunIdentity(1_000 + i, (ulong)i), i, out _);
            Assert.Equal(IdentityClash.MaxRuns, _clash.TrackedRuns);
            Assert.True(_clash.IsKnownClash(Newer)); // a conclusion outlives the churn: it is not given twice
            Assert.Equal(ClashVerdict.ThisRunStops, _clash.ProvenAlive(Older, 1_000));
        }
    }
}
