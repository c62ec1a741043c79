using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.State;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.State
{
    public sealed class OwnerStateTests : IDisposable
    {
        private const string Owner = "db01";
        private readonly IdentityKey _key = IdentityKey.Create();
        private readonly SigningOwner _owner;

        public OwnerStateTests() => _owner = new SigningOwner(_key, Owner);

        public void Dispose() => _key.Dispose();

        private SignedBatch Batch(long epoch, long baseVersion, long version, params (string Key, long Version, string? Value)[] entries) =>
            _owner.Batch(epoch, baseVersion, version, entries);

        private static List<StateChange> Apply(OwnerState state, SignedBatch batch)
        {
            Assert.Equal(BatchFit.Applicable, state.Classify(batch));
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, state.TryApply(batch, long.MaxValue, changes).Result);
            return changes;
        }

        private static ApplyResult ApplySync(OwnerState state, IReadOnlyList<SignedBatch> batches, long fromVersion, List<StateChange> changes) =>
            state.TryApplySync(batches, fromVersion, long.MaxValue, changes).Result;

        /// <summary>Signs taken writes as the node does, in one batch.</summary>
        private SignedBatch Sign(TakenWrites taken, long epoch, long baseVersion, long version) =>
            SignedBatch.Create(_key, Owner, epoch, baseVersion, version, taken.Entries, taken.After(taken.Before, taken.Entries));

        private static long RetainedSize(OwnerState state) => state.BatchesAfter(long.MinValue, long.MinValue).Sum(b => (long)b.Size);

        /// <summary>RetainedBytes is exactly the size of the batches that would be handed on.</summary>
        private static void AssertRetainedConsistent(OwnerState state) => Assert.Equal(RetainedSize(state), state.RetainedBytes);

        /// <summary>Every live key (and tombstone) can be handed on: some retained batch carries its current version.</summary>
        private static void AssertEveryEntryIsRetained(OwnerState state, params string[] keys)
        {
            var retained = state.BatchesAfter(long.MinValue, long.MinValue);
            foreach (var key in keys)
            {
                var current = state.Snapshot().FirstOrDefault(e => e.Key == key);
                if (current.Key is null)
                    continue;
                Assert.True(retained.Any(b => b.Entries.Any(e => e.Key == key && e.Version == current.Version)),
                    $"no retained batch carries {key}@{current.Version}; retained: {string.Join(", ", retained.Select(b => $"[{b.BaseVersion}->{b.Version}]"))}");
            }
        }

        [Fact]
        public void A_new_state_is_empty_and_accepts_only_the_start_of_an_epoch()
        {
            var state = new OwnerState(Owner);
            Assert.Equal(0, state.Epoch);
            Assert.Equal(0, state.Version);
            Assert.Equal(0, state.KeyCount);
            Assert.Equal(0, state.LiveBytes);
            Assert.Equal(0, state.RetainedBytes);
            Assert.False(state.HasPendingWrites);
            Assert.Empty(state.Snapshot().Triples());
            Assert.Null(state.Get("k"));

            Assert.Equal(BatchFit.Applicable, state.Classify(Batch(100, 100, 101, ("a", 101, "1"))));
            Assert.Equal(BatchFit.Gap, state.Classify(Batch(100, 101, 102, ("a", 102, "1"))));
        }

        [Fact]
        public void A_chain_of_batches_applies_in_order_and_reports_each_change()
        {
            var state = new OwnerState(Owner);
            var changes = Apply(state, Batch(100, 100, 102, ("a", 101, "1"), ("b", 102, "2")));
            Assert.Equal(new[] { ("a", (string?)null, (string?)"1", 101L), ("b", null, "2", 102L) },
                changes.Select(c => (c.Key, c.OldValue, c.NewValue, c.Version)).OrderBy(c => c.Key));
            Assert.All(changes, c => Assert.Equal(Owner, c.Owner));
            Assert.Equal(100, state.Epoch);
            Assert.Equal(102, state.Version);

            changes = Apply(state, Batch(100, 102, 104, ("a", 103, "one"), ("c", 104, "3")));
            Assert.Equal(new[] { ("a", (string?)"1", (string?)"one"), ("c", null, "3") }, changes.Select(c => (c.Key, c.OldValue, c.NewValue)).OrderBy(c => c.Key));
            Assert.Equal(104, state.Version);
            Assert.Equal(3, state.KeyCount);
            Assert.Equal(new[] { ("a", "one", 103L), ("b", "2", 102L), ("c", "3", 104L) }, state.Snapshot().Triples());
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void Held_batches_are_duplicates_missing_ones_are_gaps_and_old_epochs_are_stale()
        {
            var state = new OwnerState(Owner);
            var b1 = Batch(100, 100, 101, ("a", 101, "1"));
            var b2 = Batch(100, 101, 103, ("b", 103, "2"));
            Apply(state, b1);
            Apply(state, b2);

            Assert.Equal(BatchFit.Duplicate, state.Classify(b1));
            Assert.Equal(BatchFit.Duplicate, state.Classify(b2));
            Assert.Equal(BatchFit.Duplicate, state.Classify(Batch(100, 100, 103)));
            Assert.Equal(BatchFit.Gap, state.Classify(Batch(100, 104, 105, ("c", 105, "x"))));
            Assert.Equal(BatchFit.Applicable, state.Classify(Batch(100, 103, 104, ("c", 104, "x"))));
            // Overlapping what is held but reaching further: applicable, the older entries inside are ignored.
            var overlap = Batch(100, 102, 105, ("b", 103, "2"), ("c", 105, "x"));
            Assert.Equal(BatchFit.Applicable, state.Classify(overlap));
            var changes = Apply(state, overlap);
            Assert.Equal(new[] { "c" }, changes.Select(c => c.Key));
            Assert.Equal(105, state.Version);

            Assert.Equal(BatchFit.Stale, state.Classify(Batch(99, 99, 200, ("a", 200, "old run"))));
            Assert.Equal(BatchFit.Applicable, state.Classify(Batch(300, 300, 301, ("a", 301, "new run"))));
            Assert.Equal(BatchFit.Gap, state.Classify(Batch(300, 301, 302, ("a", 302, "new run, not its start"))));
        }

        [Fact]
        public void A_newer_epoch_replaces_everything_held_and_reports_each_key_once()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 102, ("a", 101, "1"), ("b", 102, "2")));
            Apply(state, Batch(100, 102, 103, ("gone", 103, null), ("c", 103, "3")));

            var changes = Apply(state, Batch(500, 500, 501, ("b", 501, "2"), ("d", 501, "4")));
            Assert.Equal(500, state.Epoch);
            Assert.Equal(501, state.Version);
            // a and c vanish (the new run did not write them); b is re-stamped with the same value: no change at all.
            var removals = changes.Where(c => c.NewValue is null).Select(c => (c.Key, c.OldValue, c.Version)).OrderBy(c => c.Key).ToList();
            Assert.Equal(new[] { ("a", (string?)"1", 500L), ("c", "3", 500L) }, removals);
            Assert.Contains(changes, c => c.Key == "d" && c.OldValue is null && c.NewValue == "4");
            Assert.DoesNotContain(changes, c => c.Key == "b");
            Assert.Equal(new[] { ("b", "2", 501L), ("d", "4", 501L) }, state.Snapshot().Triples());
            Assert.Equal(2, state.KeyCount);
            Assert.Null(state.Get("a"));
            // Only the new epoch's batch is kept.
            Assert.Equal(new[] { 501L }, state.BatchesAfter(0, 0).Select(b => b.Version));
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void A_removal_is_a_tombstone_that_changes_counts_and_is_kept_to_hand_on()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "héllo")));
            Assert.Equal(1 + "héllo".Length + 1, state.LiveBytes); // UTF-8 bytes: é is two
            var changes = Apply(state, Batch(100, 101, 102, ("a", 102, null)));
            var change = Assert.Single(changes);
            Assert.Equal(("a", (string?)"héllo", (string?)null, 102L), (change.Key, change.OldValue, change.NewValue, change.Version));
            Assert.Equal(0, state.KeyCount);
            Assert.Equal(0, state.LiveBytes);
            Assert.Null(state.Get("a"));
            Assert.Empty(state.Snapshot().Triples());
            // The tombstone's batch is what tells a peer that still holds "a" to drop it.
            var retained = state.BatchesAfter(100, 101);
            Assert.Contains(retained, b => b.Entries.Any(e => e.Key == "a" && e.Value is null));
            // The superseded value's batch is dropped.
            Assert.DoesNotContain(state.BatchesAfter(0, 0), b => b.Entries.Any(e => e.Value == "héllo"));
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void Rewriting_the_same_value_reports_no_change_and_older_versions_never_win()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "1")));
            Assert.Empty(Apply(state, Batch(100, 101, 102, ("a", 102, "1"))));
            Assert.Equal(102, state.Snapshot().Single().Version);
            // Within one batch, the newer entry of a key wins whatever the order.
            var changes = Apply(state, Batch(100, 102, 105, ("b", 105, "new"), ("b", 104, "old")));
            Assert.Equal("new", state.Get("b"));
        }

        [Fact]
        public void LiveBytes_and_SizeAfter_count_utf8_bytes_of_keys_and_values()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 102, ("k", 101, "中文"), ("😀", 102, "")));
            Assert.Equal(1 + 6 + 4 + 0, state.LiveBytes);
            Assert.Equal(2, state.KeyCount);
            Assert.Equal(state.LiveBytes - 6 + 1, state.SizeAfter("k", "x"));
            Assert.Equal(state.LiveBytes - 7, state.SizeAfter("k", null));
            Assert.Equal(state.LiveBytes + 2, state.SizeAfter("n", "v"));
            Assert.Equal(state.LiveBytes, state.SizeAfter("absent", null));
        }

        [Fact]
        public void A_batch_is_dropped_once_every_entry_in_it_is_superseded_and_the_newest_is_always_kept()
        {
            var state = new OwnerState(Owner);
            var b1 = Batch(100, 100, 102, ("a", 101, "1"), ("b", 102, "2"));
            var b2 = Batch(100, 102, 103, ("a", 103, "1'"));
            var b3 = Batch(100, 103, 104, ("b", 104, "2'"));
            var b4 = Batch(100, 104, 105, ("a", 105, "1''"), ("b", 105, "2''"));
            Apply(state, b1);
            Assert.Equal(b1.Size, state.RetainedBytes);
            Apply(state, b2);
            Assert.Equal(b1.Size + b2.Size, state.RetainedBytes); // b1 still holds b
            Apply(state, b3);
            Assert.Equal(b2.Size + b3.Size, state.RetainedBytes); // b1 fully superseded
            Assert.Equal(new[] { 103L, 104L }, state.BatchesAfter(0, 0).Select(b => b.Version));
            Apply(state, b4);
            Assert.Equal(b4.Size, state.RetainedBytes);
            Assert.Equal(new[] { 105L }, state.BatchesAfter(0, 0).Select(b => b.Version));
            AssertRetainedConsistent(state);

            // An empty batch (a version bump) holds nothing, but as the newest it proves the version.
            var empty = Batch(100, 105, 106);
            Apply(state, empty);
            Assert.Equal(new[] { 105L, 106L }, state.BatchesAfter(0, 0).Select(b => b.Version));
            Assert.Equal(106, state.Version);
            Apply(state, Batch(100, 106, 107, ("c", 107, "3")));
            Assert.Equal(new[] { 105L, 107L }, state.BatchesAfter(0, 0).Select(b => b.Version)); // the empty one is gone
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void BatchesAfter_returns_what_a_holder_lacks_oldest_first()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "1")));
            Apply(state, Batch(100, 101, 102, ("b", 102, "2")));
            Apply(state, Batch(100, 102, 103, ("c", 103, "3")));
            Assert.Equal(new[] { 101L, 102L, 103L }, state.BatchesAfter(100, 100).Select(b => b.Version));
            Assert.Equal(new[] { 102L, 103L }, state.BatchesAfter(100, 101).Select(b => b.Version));
            Assert.Empty(state.BatchesAfter(100, 103));
            // A holder of another epoch (older or unknown) needs everything.
            Assert.Equal(3, state.BatchesAfter(50, 1000).Count);
            Assert.Equal(3, state.BatchesAfter(0, 0).Count);
        }

        [Fact]
        public void ApplySync_installs_a_compacted_state_from_nothing()
        {
            // The sender compacted its chain: only the batches still carrying live entries travel.
            var source = new OwnerState(Owner);
            Apply(source, Batch(100, 100, 102, ("a", 101, "1"), ("b", 102, "2")));
            Apply(source, Batch(100, 102, 103, ("a", 103, "1'")));
            Apply(source, Batch(100, 103, 105, ("c", 104, "3"), ("d", 105, null)));
            var compacted = source.BatchesAfter(0, 0);
            Assert.Equal(3, compacted.Count);

            var state = new OwnerState(Owner);
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, ApplySync(state, compacted, 0, changes));
            Assert.Equal(100, state.Epoch);
            Assert.Equal(105, state.Version);
            Assert.Equal(source.Snapshot().Triples(), state.Snapshot().Triples());
            // Every key is reported; a key carried by several batches ends at its newest value.
            Assert.Equal(new[] { "a", "b", "c" }, changes.Select(c => c.Key).Distinct().OrderBy(k => k));
            Assert.Equal("1'", changes.Last(c => c.Key == "a").NewValue);
            Assert.DoesNotContain(changes, c => c.Key == "d");
            AssertRetainedConsistent(state);

            // It can hand the state on exactly as received.
            Assert.Equal(compacted.Select(b => b.Version), state.BatchesAfter(0, 0).Select(b => b.Version));
        }

        [Fact]
        public void ApplySync_that_does_not_fit_changes_nothing()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "1")));
            var changes = new List<StateChange>();

            Assert.Equal(ApplyResult.Unfit, ApplySync(state, Array.Empty<SignedBatch>(), 0, changes));
            // Sent for a holder further along than this node is.
            Assert.Equal(ApplyResult.Unfit, ApplySync(state, new[] { Batch(100, 105, 106, ("z", 106, "z")) }, 105, changes));
            // An older epoch.
            Assert.Equal(ApplyResult.Unfit, ApplySync(state, new[] { Batch(50, 50, 51, ("z", 51, "z")) }, 0, changes));
            Assert.Empty(changes);
            Assert.Equal(101, state.Version);
            Assert.Equal(new[] { ("a", "1", 101L) }, state.Snapshot().Triples());
        }

        [Fact]
        public void ApplySync_of_a_newer_epoch_replaces_the_state_and_reports_removals()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 102, ("a", 101, "1"), ("b", 102, "2")));
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, ApplySync(state, new[] { Batch(100, 100, 103, ("x", 103, "old epoch, ignored")), Batch(200, 200, 202, ("b", 202, "2'")) }, 0, changes));
            Assert.Equal(200, state.Epoch);
            Assert.Equal(202, state.Version);
            Assert.Equal(new[] { ("b", "2'", 202L) }, state.Snapshot().Triples());
            Assert.Contains(changes, c => c.Key == "a" && c.OldValue == "1" && c.NewValue is null);
            Assert.DoesNotContain(changes, c => c.Key == "x");
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void ApplySync_extends_the_chain_from_the_version_held()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "1")));
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, ApplySync(state, new[] { Batch(100, 101, 102, ("b", 102, "2")), Batch(100, 103, 104, ("a", 104, "1'")) }, 101, changes));
            Assert.Equal(104, state.Version);
            Assert.Equal(new[] { ("a", "1'", 104L), ("b", "2", 102L) }, state.Snapshot().Triples());
            AssertRetainedConsistent(state);
            AssertEveryEntryIsRetained(state, "a", "b");
        }

        [Fact]
        public void ApplySync_that_overlaps_batches_already_held_keeps_them_retained()
        {
            // The digest said "I hold up to 101"; before the answer arrived a push brought 102. The answer then
            // carries 102 again: the held batch must stay retained, or this node can no longer hand "b" on.
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "1")));
            Apply(state, Batch(100, 101, 102, ("b", 102, "2")));
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, ApplySync(state, new[] { Batch(100, 101, 102, ("b", 102, "2")), Batch(100, 102, 103, ("c", 103, "3")) }, 101, changes));
            Assert.Equal(new[] { "c" }, changes.Select(c => c.Key));
            Assert.Equal(103, state.Version);
            AssertEveryEntryIsRetained(state, "a", "b", "c");
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void ApplySync_that_repeats_the_newest_batch_keeps_it_retained()
        {
            var state = new OwnerState(Owner);
            Apply(state, Batch(100, 100, 101, ("a", 101, "1")));
            var newest = Batch(100, 101, 102, ("b", 102, "2"));
            Apply(state, newest);
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, ApplySync(state, new[] { Batch(100, 101, 102, ("b", 102, "2")) }, 101, changes));
            Assert.Empty(changes);
            Assert.Equal(102, state.Version);
            Assert.Contains(state.BatchesAfter(100, 101), b => b.Version == 102);
            AssertEveryEntryIsRetained(state, "a", "b");
            AssertRetainedConsistent(state);
        }

        // ---- The owner's own side. ----

        private long _clock = 1000;

        private long Next() => ++_clock;

        [Fact]
        public void Local_writes_coalesce_until_taken_and_an_attached_batch_becomes_the_version()
        {
            var state = new OwnerState(Owner);
            state.BeginEpoch(1000, Next);
            Assert.Equal(1000, state.Epoch);
            Assert.Equal(1000, state.Version);
            Assert.True(state.HasPendingWrites); // the new epoch itself must be announced
            Assert.Empty(state.TakePendingWrites().Entries);
            Assert.False(state.HasPendingWrites);

            var changes = new List<StateChange>();
            state.WriteLocal("a", "1", Next(), changes);
            state.WriteLocal("b", "2", Next(), changes);
            state.WriteLocal("a", "3", Next(), changes);
            Assert.Equal(3, changes.Count);
            Assert.Equal("3", state.Get("a")); // reads see local writes at once
            Assert.True(state.HasPendingWrites);

            var pending = state.TakePendingWrites();
            Assert.Equal(new[] { ("b", 1002L, (string?)"2"), ("a", 1003L, (string?)"3") }, pending.Entries.Select(e => (e.Key, e.Version, e.Value)));
            Assert.False(state.HasPendingWrites);
            Assert.Empty(state.TakePendingWrites().Entries);

            var batch = Sign(pending, 1000, 1000, 1003);
            state.AttachOwnBatch(batch);
            Assert.Equal(1003, state.Version);
            Assert.Equal(batch.Size, state.RetainedBytes);
            Assert.Same(batch, Assert.Single(state.BatchesAfter(1000, 1000)));
            Assert.Empty(state.BatchesAfter(1000, 1003));
            Assert.Single(state.BatchesAfter(999, 5000));

            // A peer receiving that batch ends with the same state.
            var peer = new OwnerState(Owner);
            Assert.Equal(BatchFit.Applicable, peer.Classify(batch)); // it starts the epoch (base == epoch)
            Apply(peer, batch);
            Assert.Equal(state.Snapshot().Triples(), peer.Snapshot().Triples());
            Assert.Equal(state.Commitment, peer.Commitment);
        }

        [Fact]
        public void A_key_written_again_while_its_batch_was_signed_stays_pending()
        {
            var state = new OwnerState(Owner);
            state.BeginEpoch(1000, Next);
            state.TakePendingWrites();
            state.WriteLocal("a", "1", Next(), null);
            var pending = state.TakePendingWrites();
            state.WriteLocal("a", "2", Next(), null); // while signing
            var batch = Sign(pending, 1000, 1000, 1001);
            state.AttachOwnBatch(batch);

            Assert.True(state.HasPendingWrites);
            Assert.Equal(1001, state.Version);
            Assert.Single(state.BatchesAfter(0, 0)); // kept as the newest, though its entry is superseded
            var taken = state.TakePendingWrites();
            var next = Assert.Single(taken.Entries);
            Assert.Equal(("a", 1002L, (string?)"2"), (next.Key, next.Version, next.Value));
            var second = Sign(taken, 1000, 1001, 1002);
            state.AttachOwnBatch(second);
            // The second batch's commitment takes out the value the first one signed: a holds one value, at 1002.
            Assert.Equal(SigningOwner.CommitmentOf(new[] { ("a", 1002L) }), second.Commitment);
            Assert.Equal(new[] { 1002L }, state.BatchesAfter(0, 0).Select(b => b.Version)); // the first one is dropped now
            AssertRetainedConsistent(state);
        }

        [Fact]
        public void Removing_a_key_locally_is_a_pending_tombstone_and_removing_an_absent_key_is_nothing()
        {
            var state = new OwnerState(Owner);
            state.BeginEpoch(1000, Next);
            state.TakePendingWrites();
            state.WriteLocal("never", null, Next(), null);
            Assert.False(state.HasPendingWrites);

            state.WriteLocal("a", "1", Next(), null);
            state.AttachOwnBatch(Sign(state.TakePendingWrites(), 1000, 1000, _clock));
            var changes = new List<StateChange>();
            state.WriteLocal("a", null, Next(), changes);
            Assert.Equal(("a", (string?)"1", (string?)null), (changes.Single().Key, changes.Single().OldValue, changes.Single().NewValue));
            var taken = state.TakePendingWrites();
            var tombstone = Assert.Single(taken.Entries);
            Assert.Null(tombstone.Value);
            Assert.Equal(0, state.KeyCount);
            Assert.Equal(StateCommitment.Empty, taken.After(taken.Before, taken.Entries)); // the removal takes "a" out
        }

        [Fact]
        public void BeginEpoch_restamps_live_entries_above_the_epoch_and_drops_tombstones_and_batches()
        {
            var state = new OwnerState(Owner);
            state.BeginEpoch(1000, Next);
            state.TakePendingWrites();
            state.WriteLocal("a", "1", Next(), null);
            state.WriteLocal("b", "2", Next(), null);
            state.WriteLocal("gone", "x", Next(), null);
            state.WriteLocal("gone", null, Next(), null);
            state.AttachOwnBatch(Sign(state.TakePendingWrites(), 1000, 1000, _clock));
            Assert.True(state.RetainedBytes > 0);

            _clock = 5000;
            state.BeginEpoch(5000, Next);
            Assert.Equal(5000, state.Epoch);
            Assert.Equal(5000, state.Version);
            Assert.Equal(0, state.RetainedBytes);
            Assert.Empty(state.BatchesAfter(0, 0));
            Assert.Equal(2, state.KeyCount);
            Assert.All(state.Snapshot(), e => Assert.True(e.Version > 5000));
            Assert.Equal(new[] { ("a", "1"), ("b", "2") }, state.Snapshot().Select(e => (e.Key, e.Value)));

            Assert.True(state.HasPendingWrites);
            var pending = state.TakePendingWrites();
            Assert.Equal(new[] { "a", "b" }, pending.Entries.Select(e => e.Key).OrderBy(k => k)); // the tombstone is not carried into the new run
            Assert.All(pending.Entries, e => Assert.True(e.Version > 5000));
            Assert.Equal(StateCommitment.Empty, pending.Before); // the new run has signed nothing yet

            // Peers holding the old epoch receive the new one as a reset.
            var batch = Sign(pending, 5000, 5000, pending.Entries.Max(e => e.Version));
            state.AttachOwnBatch(batch);
            var peer = new OwnerState(Owner);
            Apply(peer, Batch(1000, 1000, 1001, ("a", 1001, "1"), ("old", 1001, "only in the old run")));
            var changes = Apply(peer, batch);
            Assert.Contains(changes, c => c.Key == "old" && c.NewValue is null);
            Assert.Equal(state.Snapshot().Triples(), peer.Snapshot().Triples());
        }

        [Fact]
        public void A_long_random_history_keeps_retention_consistent_and_a_sync_reproduces_the_state()
        {
            var random = new Random(12345);
            var state = new OwnerState(Owner);
            long version = 100;
            var keys = Enumerable.Range(0, 12).Select(i => "k" + i).ToArray();
            for (var round = 0; round < 300; round++)
            {
                var count = random.Next(0, 4);
                var entries = new List<(string, long, string?)>();
                var baseVersion = version;
                for (var i = 0; i < count; i++)
                {
                    version++;
                    entries.Add((keys[random.Next(keys.Length)], version, random.Next(5) == 0 ? null : "v" + round + "." + i));
                }

                if (count == 0)
                    version++;
                Apply(state, Batch(100, baseVersion, version, entries.ToArray()));
                AssertRetainedConsistent(state);
            }

            AssertEveryEntryIsRetained(state, keys);
            var replica = new OwnerState(Owner);
            Assert.Equal(ApplyResult.Applied, ApplySync(replica, state.BatchesAfter(0, 0), 0, new List<StateChange>()));
            Assert.Equal(state.Snapshot().Triples(), replica.Snapshot().Triples());
            Assert.Equal(state.Version, replica.Version);
            // Compaction bounds what is retained: at most one batch per key plus the newest.
            Assert.True(state.BatchesAfter(0, 0).Count <= keys.Length + 1);
        }
    }
}
