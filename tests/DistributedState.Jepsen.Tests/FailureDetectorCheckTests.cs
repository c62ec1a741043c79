using System.Collections.Generic;
using System.Linq;
using DistributedState.Jepsen.Checks;
using Xunit;

namespace DistributedState.Jepsen.Tests
{
    public sealed class FailureDetectorCheckTests
    {
        private const long S = 1_000_000_000;

        private static readonly List<ProcessLife> Lives = new[] { "n1", "n2", "n3" }.Select(n => new ProcessLife(n, 0, 0)).ToList();

        private static FailureDetectorCheck.Result Analyze(IEnumerable<StatusReport> statuses, params FaultInterval[] faults) =>
            FailureDetectorCheck.Analyze(statuses.ToList(), faults, Lives, long.MaxValue, t => $"{t / S} s");

        private static StatusReport Status(long at, string observer, string subject, string to, string? from = "Alive") =>
            new StatusReport(at, observer, 0, subject, from, to, 1);

        [Fact]
        public void A_member_reported_Failed_without_a_fault_is_a_false_report()
        {
            var result = Analyze(new[] { Status(10 * S, "n1", "n2", "Failed") });
            Assert.Equal(1, result.FalseFailed);
            Assert.Contains("n1 (run 0) reported n2 Failed at 10 s", Assert.Single(result.Violations).Message);
        }

        [Fact]
        public void A_partition_or_a_freeze_excuses_a_Failed_report_until_the_lookback_ends()
        {
            var partition = new FaultInterval("n2", "full partition", true, 5 * S, 12 * S);
            Assert.Empty(Analyze(new[] { Status(13 * S, "n1", "n2", "Failed") }, partition).Violations);
            Assert.Equal(1, Analyze(new[] { Status(23 * S, "n1", "n2", "Failed") }, partition).FalseFailed);
            var freeze = new FaultInterval("n2", "freeze", true, 5 * S, 9 * S);
            var frozen = new[] { Status(6 * S, "n1", "n2", "Failed", from: null), Status(9 * S, "n1", "n2", "Alive", "Failed"), Status(1 * S, "n3", "n2", "Alive", null) };
            Assert.Empty(Analyze(frozen, freeze).Violations);
        }

        [Fact]
        public void A_slowed_observer_may_report_the_others_Failed_but_nobody_may_report_it_of_an_unfaulted_member()
        {
            var slow = new FaultInterval("n3", "slow link", true, 5 * S, 12 * S, ExcusesItsReports: true);
            Assert.Empty(Analyze(new[] { Status(8 * S, "n3", "n1", "Failed"), Status(9 * S, "n1", "n3", "Failed") }, slow).Violations);
            var result = Analyze(new[] { Status(8 * S, "n2", "n1", "Failed"), Status(23 * S, "n3", "n1", "Failed") }, slow);
            Assert.Equal(2, result.FalseFailed);
            Assert.Contains("nor n2 a slow link", result.Violations[0].Message);
        }

        [Fact]
        public void Loss_is_no_excuse_for_Failed_and_a_Left_without_a_leave_is_wrong()
        {
            var loss = new FaultInterval("n2", "loss", false, 5 * S, 12 * S);
            var result = Analyze(new[] { Status(8 * S, "n1", "n2", "Failed"), Status(9 * S, "n3", "n2", "Left") }, loss);
            Assert.Equal(1, result.FalseFailed);
            Assert.Contains("(only: loss)", result.Violations[0].Message);
            Assert.Contains("never stopped gracefully", result.Violations[1].Message);
        }

        [Fact]
        public void Suspicions_of_unfaulted_members_are_counted_not_failed()
        {
            var result = Analyze(new[] { Status(8 * S, "n1", "n2", "Suspect"), Status(8 * S, "n1", "n3", "Suspect") }, new FaultInterval("n3", "loss", false, 5 * S, 12 * S));
            Assert.Empty(result.Violations);
            Assert.Equal(1, result.UnfaultedSuspicions);
        }

        [Fact]
        public void A_crashed_member_must_be_Failed_everywhere_within_the_bound()
        {
            var crash = new FaultInterval("n3", "crash", true, 10 * S, 17 * S);
            var seen = Analyze(new[] { Status(11 * S, "n1", "n3", "Suspect"), Status(12 * S, "n1", "n3", "Failed", "Suspect"), Status(13 * S, "n2", "n3", "Failed") }, crash);
            Assert.Empty(seen.Violations);
            Assert.Equal(new[] { 2.0, 3.0 }, seen.DetectionSeconds);

            var missed = Analyze(new[] { Status(12 * S, "n1", "n3", "Failed") }, crash);
            Assert.Contains("n2 (run 0) still saw n3 unknown 5 s after it was killed", Assert.Single(missed.Violations).Message);
        }

        [Fact]
        public void A_frozen_observer_is_not_held_to_the_crash_bound()
        {
            var crash = new FaultInterval("n3", "crash", true, 10 * S, 17 * S);
            var frozen = new FaultInterval("n2", "freeze", true, 9 * S, 14 * S);
            Assert.DoesNotContain(Analyze(new[] { Status(12 * S, "n1", "n3", "Failed") }, crash, frozen).Violations, v => v.Message.Contains("killed"));
        }

        [Fact]
        public void A_thawed_member_must_be_Alive_again_everywhere()
        {
            var freeze = new FaultInterval("n3", "freeze", true, 10 * S, 14 * S);
            var back = new[]
            {
                Status(12 * S, "n1", "n3", "Failed"), Status(15 * S, "n1", "n3", "Alive", "Failed"),
                Status(12 * S, "n2", "n3", "Failed"), Status(14 * S + S / 2, "n2", "n3", "Alive", "Failed"),
            };
            var result = Analyze(back, freeze);
            Assert.Empty(result.Violations);
            Assert.Equal(new[] { 1.0, 0.5 }, result.ComeBackSeconds);

            var stuck = Analyze(new[] { Status(12 * S, "n1", "n3", "Failed"), Status(12 * S, "n2", "n3", "Failed"), Status(15 * S, "n2", "n3", "Alive", "Failed") }, freeze);
            Assert.Contains("n1 (run 0) never saw n3 Alive within 5 s after it was thawed at 14 s; it saw it Failed", Assert.Single(stuck.Violations).Message);
        }

        [Fact]
        public void A_thawed_member_seen_Alive_within_the_bound_may_be_suspected_again_by_the_next_episode()
        {
            // Seen Alive 0.5 s after the thaw; the next episode's partition (from 17 s) makes it Suspect before the bound ends.
            var freeze = new FaultInterval("n3", "freeze", true, 10 * S, 14 * S);
            var statuses = new[]
            {
                Status(12 * S, "n1", "n3", "Failed"), Status(14 * S + S / 2, "n1", "n3", "Alive", "Failed"), Status(18 * S, "n1", "n3", "Suspect"),
                Status(1 * S, "n2", "n3", "Alive", null),
            };
            var result = Analyze(statuses, freeze, new FaultInterval("n3", "full partition", true, 17 * S, 25 * S));
            Assert.Empty(result.Violations);
            Assert.Equal(new[] { 0.5, 0.0 }, result.ComeBackSeconds);
        }
    }
}
