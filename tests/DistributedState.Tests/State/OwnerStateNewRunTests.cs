using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.State;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.State
{
    /// <summary>A new run (epoch) of an owner replacing the previous one at an observer, and the owner holding its opening.</summary>
    public sealed class OwnerStateNewRunTests : IDisposable
    {
        private const string Owner = "web01";
        private readonly IdentityKey _key = IdentityKey.Create();
        private readonly SigningOwner _owner;

        public OwnerStateNewRunTests() => _owner = new SigningOwner(_key, Owner);

        public void Dispose() => _key.Dispose();

        private SignedBatch Batch(long epoch, long baseVersion, long version, params (string Key, long Version, string? Value)[] entries) =>
            _owner.Batch(epoch, baseVersion, version, entries);

        private static List<(string Key, string? Old, string? New)> Apply(OwnerState state, SignedBatch batch)
        {
            Assert.Equal(BatchFit.Applicable, state.Classify(batch));
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, state.TryApply(batch, long.MaxValue, changes).Result);
            return changes.Select(c => (c.Key, c.OldValue, c.NewValue)).ToList();
        }

        private OwnerState PreviousRun()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 103, ("status", 101, "ok"), ("run", 102, "1"), ("stale", 103, "x")));
            return state;
        }

        [Fact]
        public void The_new_runs_opening_changes_rewritten_keys_once_and_removes_the_others_once()
        {
            var state = PreviousRun();
            var changes = Apply(state, Batch(500, 500, 502, ("status", 501, "ok"), ("run", 502, "2")));
            // status: same value, no event; run: one change old -> new; stale: one removal, after the opening's keys.
            Assert.Equal(new (string, string?, string?)[] { ("run", "1", "2"), ("stale", "x", null) }, changes);
            Assert.Equal(new[] { ("run", "2", 502L), ("status", "ok", 501L) }, state.Snapshot().Triples());
        }

        [Fact]
        public void A_removal_in_the_new_runs_opening_is_reported_once()
        {
            var state = PreviousRun();
            var changes = Apply(state, Batch(500, 500, 501, ("stale", 501, null)));
            Assert.Equal(new (string, string?, string?)[] { ("stale", "x", null), ("run", "1", null), ("status", "ok", null) },
                changes.OrderBy(c => c.Key == "stale" ? 0 : 1).ThenBy(c => c.Key, StringComparer.Ordinal));
            Assert.Equal(3, changes.Count);
        }

        [Fact]
        public void A_sync_of_a_new_run_reports_the_difference_over_all_its_batches()
        {
            var state = PreviousRun();
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, state.TryApplySync(new[] { Batch(500, 500, 501, ("status", 501, "degraded")), Batch(500, 501, 502, ("run", 502, "2")) }, 0, long.MaxValue, changes).Result);
            Assert.Equal(new (string, string?, string?)[] { ("status", "ok", "degraded"), ("run", "1", "2"), ("stale", "x", null) },
                changes.Select(c => (c.Key, c.OldValue, c.NewValue)));
        }

        [Fact]
        public void A_new_run_that_does_not_begin_above_the_versions_held_is_refused_so_versions_never_go_backwards()
        {
            var state = PreviousRun();
            // The new run's clock is behind: its epoch is above the old epoch but not above the old run's versions.
            Assert.False(state.IsNewerRun(102));
            Assert.Equal(BatchFit.Stale, state.Classify(Batch(102, 102, 104, ("run", 104, "2"))));
            Assert.Equal(ApplyResult.Unfit, state.TryApplySync(new[] { Batch(102, 102, 104, ("run", 104, "2")) }, 0, long.MaxValue, new List<StateChange>()).Result);
            Assert.Equal(103, state.Version);
            Assert.Equal("1", state.Get("run"));
            Assert.True(state.IsNewerRun(104));
        }

        [Fact]
        public async Task A_held_opening_is_neither_sent_nor_published_until_released()
        {
            long clock = 1000;
            var own = new OwnerState(Owner);
            own.HoldOpening();
            own.BeginEpoch(1000, () => ++clock);
            Assert.False(own.HasPendingWrites);
            Assert.False(own.IsPublished);
            var firstWrite = own.FirstWriteWhileHeld!;
            Assert.False(firstWrite.IsCompleted);

            own.WriteLocal("status", "ok", ++clock, null);
            Assert.True(firstWrite.IsCompleted);
            Assert.True(await firstWrite);
            Assert.Equal("ok", own.Get("status")); // reads see the write at once
            Assert.False(own.HasPendingWrites);

            Assert.True(own.ReleaseOpening());
            Assert.False(own.ReleaseOpening());
            Assert.Null(own.FirstWriteWhileHeld);
            Assert.True(own.IsPublished);
            Assert.True(own.HasPendingWrites);
            var pending = own.TakePendingWrites();
            Assert.Equal(new[] { "status" }, pending.Entries.Select(e => e.Key));
        }

        [Fact]
        public async Task A_release_without_writes_completes_the_wait_with_false()
        {
            var own = new OwnerState(Owner);
            own.HoldOpening();
            own.BeginEpoch(1000, () => 1001);
            var firstWrite = own.FirstWriteWhileHeld!;
            Assert.True(own.ReleaseOpening());
            Assert.True(firstWrite.IsCompleted);
            Assert.False(await firstWrite);
            Assert.True(own.HasPendingWrites); // the (empty) opening itself must be announced
        }
    }
}
