using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    /// <summary>
    /// The probe's rules on a scripted round: a manual clock, and a timed wait that completes at once — either the task
    /// was done or the whole timeout "passed" (the clock moves on by it). No sockets, no real time.
    /// </summary>
    public sealed class ProbeRoundTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

        private sealed class Script
        {
            public long Now;
            public readonly List<TimeSpan> Waits = new List<TimeSpan>();
            public readonly TaskCompletionSource<bool> Answered = new TaskCompletionSource<bool>();
            public readonly TaskCompletionSource<bool> HelperAnswered = new TaskCompletionSource<bool>();
            public readonly LocalHealth Health = new LocalHealth();
            public int Pings;
            public int HelperRequests;
            public bool ShedFirstConnection;
            public Exception? ConnectError;
            public Action? OnPing;
            public Action? OnHelpers;
            public long StallWhileThawing;

            public Task<(ProbeVerdict, Exception?)> RunAsync()
            {
                var round = new ProbeRound(Health, Timeout, () => Now, (task, timeout) =>
                {
                    Waits.Add(timeout);
                    if (task.IsCompleted)
                        return Task.FromResult(true);
                    Now += (long)timeout.TotalMilliseconds;
                    return Task.FromResult(false);
                });
                var steps = new ProbeSteps(
                    () =>
                    {
                        if (ConnectError is not null)
                            throw ConnectError;
                        var attempt = ++Pings;
                        OnPing?.Invoke();
                        return Task.FromResult<Func<bool>>(() => ShedFirstConnection && attempt == 1);
                    },
                    Answered.Task,
                    () =>
                    {
                        HelperRequests++;
                        OnHelpers?.Invoke();
                        return HelperAnswered.Task;
                    },
                    () =>
                    {
                        Now += StallWhileThawing;
                        return Task.CompletedTask;
                    });
                return round.RunAsync(steps);
            }
        }

        private static void Worsen(LocalHealth health, int steps)
        {
            for (var i = 0; i < steps; i++)
                health.Worse();
        }

        [Fact]
        public async Task A_direct_answer_in_time_is_enough_and_improves_local_health()
        {
            var script = new Script();
            Worsen(script.Health, 2);
            script.OnPing = () => script.Answered.TrySetResult(true);
            var (verdict, error) = await script.RunAsync();
            Assert.Equal((ProbeVerdict.Answered, (Exception?)null), (verdict, error));
            Assert.Equal(0, script.HelperRequests);
            Assert.Equal(1, script.Health.Score);
            Assert.Equal(TimeSpan.FromMilliseconds(300), Assert.Single(script.Waits)); // timeout × (1 + score 2)
        }

        [Fact]
        public async Task Silence_from_the_member_and_the_helpers_makes_it_a_suspect()
        {
            var script = new Script();
            var (verdict, _) = await script.RunAsync();
            Assert.Equal(ProbeVerdict.Silent, verdict);
            Assert.Equal((1, 1), (script.Pings, script.HelperRequests));
            Assert.Equal(1, script.Health.Score); // the missed direct answer
            Assert.Equal(new[] { Timeout, Timeout }, script.Waits);
        }

        [Fact]
        public async Task A_signed_answer_through_a_helper_clears_the_member()
        {
            var script = new Script();
            script.OnHelpers = () => script.HelperAnswered.TrySetResult(true);
            var (verdict, _) = await script.RunAsync();
            Assert.Equal(ProbeVerdict.Answered, verdict);
            Assert.Equal(1, script.Health.Score);
        }

        [Fact]
        public async Task A_late_direct_answer_during_the_helper_wait_counts_too()
        {
            var script = new Script();
            script.OnHelpers = () => script.Answered.TrySetResult(true);
            var (verdict, _) = await script.RunAsync();
            Assert.Equal(ProbeVerdict.Answered, verdict);
        }

        [Fact]
        public async Task A_connection_shed_under_the_ping_is_retried_once_on_a_new_one()
        {
            var script = new Script { ShedFirstConnection = true };
            script.OnPing = () =>
            {
                if (script.Pings == 2)
                    script.Answered.TrySetResult(true);
            };
            var (verdict, _) = await script.RunAsync();
            Assert.Equal(ProbeVerdict.Answered, verdict);
            Assert.Equal((2, 0), (script.Pings, script.HelperRequests));
            Assert.Equal(0, script.Health.Score);
        }

        [Fact]
        public async Task A_connection_that_was_not_shed_is_not_retried_and_a_shed_one_only_once()
        {
            var kept = new Script();
            await kept.RunAsync();
            Assert.Equal(1, kept.Pings);

            // Every connection shed: one retry, then the helpers.
            var shedTwice = new Script { ShedFirstConnection = true };
            var (verdict, _) = await shedTwice.RunAsync();
            Assert.Equal(ProbeVerdict.Silent, verdict);
            Assert.Equal((2, 1), (shedTwice.Pings, shedTwice.HelperRequests));
        }

        [Fact]
        public async Task Waits_that_overran_are_this_nodes_stall_not_evidence_against_the_member()
        {
            var script = new Script { StallWhileThawing = 5_000 };
            var (verdict, _) = await script.RunAsync();
            Assert.Equal(ProbeVerdict.Overran, verdict);
            Assert.Equal(2, script.Health.Score); // the missed answer, and the stall

            // Just within the bound it is still a suspicion: two waits of one timeout plus a stall of two.
            var bound = new Script { StallWhileThawing = (ProbeRound.OverrunFactor - 2) * (long)Timeout.TotalMilliseconds };
            Assert.Equal(ProbeVerdict.Silent, (await bound.RunAsync()).Item1);
        }

        [Fact]
        public async Task A_connection_that_cannot_be_made_is_reported_with_its_reason_and_health_unchanged()
        {
            var refused = new InvalidOperationException("connection refused");
            var script = new Script { ConnectError = refused };
            var (verdict, error) = await script.RunAsync();
            Assert.Equal(ProbeVerdict.Unreachable, verdict);
            Assert.Same(refused, error);
            Assert.Equal((0, 0), (script.HelperRequests, script.Health.Score));
        }

        [Fact]
        public async Task Cancellation_is_not_mistaken_for_an_unreachable_member()
        {
            var script = new Script { ConnectError = new OperationCanceledException() };
            await Assert.ThrowsAsync<OperationCanceledException>(() => script.RunAsync());
        }
    }
}
