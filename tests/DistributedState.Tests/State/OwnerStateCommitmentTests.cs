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
    /// <summary>
    /// A holder applies batches only when its copy then adds up to the owner's signed commitment: a relay that leaves
    /// batches out cannot make it hold a state the owner never had at that version.
    /// </summary>
    public sealed class OwnerStateCommitmentTests : IDisposable
    {
        private const string Owner = "db01";
        private readonly IdentityKey _key = IdentityKey.Create();
        private readonly SigningOwner _owner;
        private readonly SignedBatch _b1;
        private readonly SignedBatch _b2;
        private readonly SignedBatch _b3;

        public OwnerStateCommitmentTests()
        {
            _owner = new SigningOwner(_key, Owner);
            _b1 = _owner.Batch(100, 100, 102, ("admin", 101, "alice"), ("role", 102, "db"));
            _b2 = _owner.Batch(100, 102, 103, ("admin", 103, null));
            _b3 = _owner.Batch(100, 103, 104, ("x", 104, "2"));
        }

        public void Dispose() => _key.Dispose();

        private static ApplyResult Sync(OwnerState state, long from, params SignedBatch[] batches) =>
            state.TryApplySync(batches, from, long.MaxValue, new List<StateChange>()).Result;

        private static ApplyResult Push(OwnerState state, SignedBatch batch) =>
            state.TryApply(batch, long.MaxValue, new List<StateChange>()).Result;

        [Fact]
        public void A_subset_that_leaves_out_a_removal_is_refused_and_the_complete_set_applies()
        {
            // The rollback of issue 10: genuine batches, but not the one that removed admin.
            var joiner = new OwnerState(Owner);
            Assert.Equal(ApplyResult.Incomplete, Sync(joiner, 0, _b1, _b3));
            Assert.Equal((0L, 0L, 0), (joiner.Epoch, joiner.Version, joiner.KeyCount)); // nothing presented, digests show nothing held

            Assert.Equal(ApplyResult.Applied, Sync(joiner, 0, _b1, _b2, _b3));
            Assert.Equal(new[] { ("role", "db", 102L), ("x", "2", 104L) }, joiner.Snapshot().Triples());
            Assert.Equal(_b3.Commitment, joiner.Commitment);
        }

        [Fact]
        public void A_holder_behind_keeps_its_consistent_copy_when_the_answer_skips_a_batch()
        {
            var holder = new OwnerState(Owner);
            Assert.Equal(ApplyResult.Applied, Push(holder, _b1));
            Assert.Equal(ApplyResult.Incomplete, Sync(holder, 102, _b3));
            Assert.Equal(102, holder.Version);
            Assert.Equal("alice", holder.Get("admin")); // still exactly the owner's state at 102
            Assert.Equal(_b1.Commitment, holder.Commitment);

            Assert.Equal(ApplyResult.Applied, Sync(holder, 102, _b2, _b3));
            Assert.Null(holder.Get("admin"));
            Assert.Equal(104, holder.Version);
        }

        [Fact]
        public void The_compacted_answer_of_an_honest_holder_adds_up()
        {
            var source = new OwnerState(Owner);
            foreach (var batch in new[] { _b1, _b2, _b3 })
                Assert.Equal(ApplyResult.Applied, Push(source, batch));
            var compacted = source.BatchesAfter(0, 0);
            Assert.Equal(new[] { 102L, 103L, 104L }, compacted.Select(b => b.Version)); // b1 still holds role
            Assert.Equal(ApplyResult.Applied, Sync(new OwnerState(Owner), 0, compacted.ToArray()));
        }

        [Fact]
        public void An_old_but_whole_state_is_the_owners_past_state_and_is_taken_as_that_version()
        {
            // A relay can always withhold news; what it cannot do is present a state at a version where the owner had
            // another. The holder's digest shows version 102, so any honest peer sends it the rest.
            var holder = new OwnerState(Owner);
            Assert.Equal(ApplyResult.Applied, Sync(holder, 0, _b1));
            Assert.Equal(102, holder.Version);
            Assert.Equal(ApplyResult.Applied, Sync(holder, 102, _b2, _b3));
            Assert.Null(holder.Get("admin"));
        }

        [Fact]
        public void A_sync_of_batches_already_held_changes_nothing_and_adds_up()
        {
            var holder = new OwnerState(Owner);
            Assert.Equal(ApplyResult.Applied, Sync(holder, 0, _b1, _b2, _b3));
            Assert.Equal(ApplyResult.Applied, Sync(holder, 0, _b1, _b3)); // all older than or equal to what is held
            Assert.Equal(104, holder.Version);
            Assert.Null(holder.Get("admin"));
            Assert.Equal(_b3.Commitment, holder.Commitment);
        }

        [Fact]
        public void A_pushed_batch_that_extends_the_chain_but_commits_to_another_state_is_refused()
        {
            var holder = new OwnerState(Owner);
            Push(holder, _b1);
            var wrong = SignedBatch.Create(_key, Owner, 100, 102, 103, new[] { new BatchEntry("admin", 103, null) }, _b1.Commitment);
            Assert.Equal(ApplyResult.Incomplete, Push(holder, wrong));
            Assert.Equal(102, holder.Version);
            Assert.Equal(ApplyResult.Applied, Push(holder, _b2));
        }

        [Fact]
        public void A_state_too_large_is_refused_as_such_before_completeness()
        {
            var holder = new OwnerState(Owner);
            var outcome = holder.TryApplySync(new[] { _b1, _b3 }, 0, 3, new List<StateChange>());
            Assert.Equal(ApplyResult.TooLarge, outcome.Result);
            Assert.True(outcome.SizeAfter > 3);
            Assert.Equal(ApplyResult.TooLarge, holder.TryApply(_b1, 3, new List<StateChange>()).Result);
        }

        [Fact]
        public void A_new_run_is_judged_from_nothing()
        {
            var holder = new OwnerState(Owner);
            Sync(holder, 0, _b1, _b2, _b3);
            var opening = _owner.Batch(500, 500, 501, ("role", 501, "db"));
            var next = _owner.Batch(500, 501, 502, ("y", 502, "1"));
            Assert.Equal(ApplyResult.Incomplete, Sync(holder, 0, next)); // the opening is missing
            Assert.Equal(100, holder.Epoch);
            Assert.Equal(ApplyResult.Applied, Sync(holder, 0, opening, next));
            Assert.Equal(new[] { ("role", "db", 501L), ("y", "1", 502L) }, holder.Snapshot().Triples());
        }

        // ---- The owner's side: what it signs is what its holders can check. ----

        [Fact]
        public void Writes_split_over_several_batches_commit_to_the_state_after_each()
        {
            long clock = 1000;
            var own = new OwnerState(Owner);
            own.BeginEpoch(1000, () => ++clock);
            var peer = new OwnerState(Owner);
            Flush(own, peer, 1);
            own.WriteLocal("a", "1", ++clock, null);
            own.WriteLocal("b", "2", ++clock, null);
            Flush(own, peer, 1);
            own.WriteLocal("a", "1'", ++clock, null);
            own.WriteLocal("b", null, ++clock, null);
            own.WriteLocal("c", "3", ++clock, null);
            own.WriteLocal("d", "4", ++clock, null);
            Flush(own, peer, 2); // each batch replaces or removes values the state as signed held
            Assert.Equal(own.Snapshot().Triples(), peer.Snapshot().Triples());
            Assert.Equal(own.Commitment, peer.Commitment);
        }

        [Fact]
        public void A_long_random_history_never_lets_an_incomplete_subset_through()
        {
            var random = new Random(2024);
            long clock = 1000;
            var own = new OwnerState(Owner);
            own.BeginEpoch(1000, () => ++clock);
            var peer = new OwnerState(Owner);
            var signed = new List<SignedBatch>();
            var keys = Enumerable.Range(0, 8).Select(i => "k" + i).ToArray();
            for (var round = 0; round < 200; round++)
            {
                for (var i = random.Next(0, 5); i > 0; i--)
                    own.WriteLocal(keys[random.Next(keys.Length)], random.Next(4) == 0 ? null : "v" + round, ++clock, null);
                if (round == 100)
                {
                    // A rebase: a new run above every version so far.
                    clock += 1000;
                    own.BeginEpoch(++clock, () => ++clock);
                }

                if (own.HasPendingWrites)
                    signed.AddRange(Flush(own, peer, 1 + random.Next(3)));
            }

            Assert.Equal(own.Snapshot().Triples(), peer.Snapshot().Triples());
            var retained = peer.BatchesAfter(0, 0);
            Assert.Equal(ApplyResult.Applied, Sync(new OwnerState(Owner), 0, retained.ToArray()));
            var (accepted, refused) = (0, 0);
            for (var trial = 0; trial < 300; trial++)
            {
                // Subsets of what a holder retains, and of everything the owner ever signed (an old relay's collection).
                var pool = trial % 2 == 0 ? retained : signed.Where(b => b.Epoch == own.Epoch).ToList();
                var subset = pool.Where(_ => random.Next(4) > 0).ToArray();
                if (subset.Length == 0)
                    continue;
                var replica = new OwnerState(Owner);
                if (Sync(replica, 0, subset) == ApplyResult.Applied)
                {
                    accepted++;
                    Assert.Equal(StateAt(signed, replica.Epoch, replica.Version), replica.Snapshot().Triples()); // only ever the owner's own state at that version
                }
                else
                {
                    refused++;
                    Assert.Equal(0, replica.Version);
                }
            }

            Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}: the trials must see both");
        }

        [Fact]
        public void The_owners_own_retained_batches_always_hold_its_state_as_signed_also_while_writes_wait()
        {
            // What a saved data file and a sync answer from the owner hold: they must add up to the newest commitment
            // whatever was written since (pending writes, and writes made while a batch was being signed).
            var random = new Random(77);
            long clock = 1000;
            var own = new OwnerState(Owner);
            own.BeginEpoch(1000, () => ++clock);
            var peer = new OwnerState(Owner);
            var signed = new List<SignedBatch>();
            var keys = Enumerable.Range(0, 6).Select(i => "k" + i).ToArray();
            for (var round = 0; round < 300; round++)
            {
                for (var i = random.Next(0, 4); i > 0; i--)
                    own.WriteLocal(keys[random.Next(keys.Length)], random.Next(5) == 0 ? null : "v" + round, ++clock, null);
                if (own.HasPendingWrites && random.Next(2) == 0)
                {
                    signed.AddRange(Flush(own, peer, 1 + random.Next(2), whileSigning: () =>
                    {
                        for (var i = random.Next(0, 3); i > 0; i--)
                            own.WriteLocal(keys[random.Next(keys.Length)], "during " + round, ++clock, null);
                    }));
                }

                var retained = own.BatchesAfter(0, 0);
                if (retained.Count == 0)
                    continue;
                var replica = new OwnerState(Owner);
                Assert.Equal(ApplyResult.Applied, Sync(replica, 0, retained.ToArray()));
                Assert.Equal(StateAt(signed, own.Epoch, replica.Version), replica.Snapshot().Triples());
                Assert.Equal(own.Commitment, replica.Commitment);
            }
        }

        /// <summary>The owner's live state at a version: every batch it signed in the epoch up to there, newest value per key.</summary>
        private static List<(string, string, long)> StateAt(List<SignedBatch> signed, long epoch, long version)
        {
            var state = new Dictionary<string, BatchEntry>();
            foreach (var batch in signed.Where(b => b.Epoch == epoch && b.Version <= version))
            {
                foreach (var entry in batch.Entries)
                    state[entry.Key] = entry;
            }

            return state.Values.Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value!, e.Version)).ToList();
        }

        /// <summary>Signs the pending writes as the node does, in up to <paramref name="parts"/> batches, and pushes each to <paramref name="peer"/>.</summary>
        private List<SignedBatch> Flush(OwnerState own, OwnerState peer, int parts, Action? whileSigning = null)
        {
            var taken = own.TakePendingWrites();
            whileSigning?.Invoke();
            var size = Math.Max(1, (taken.Entries.Count + parts - 1) / parts);
            var chunks = taken.Entries.Count == 0
                ? new List<List<BatchEntry>> { new List<BatchEntry>() }
                : taken.Entries.Select((e, i) => (e, i)).GroupBy(p => p.i / size).Select(g => g.Select(p => p.e).ToList()).ToList();
            var baseVersion = own.Version;
            var commitment = taken.Before;
            var batches = new List<SignedBatch>();
            foreach (var chunk in chunks)
            {
                var version = chunk.Count > 0 ? chunk[chunk.Count - 1].Version : baseVersion;
                commitment = taken.After(commitment, chunk);
                var batch = SignedBatch.Create(_key, Owner, own.Epoch, baseVersion, version, chunk, commitment);
                own.AttachOwnBatch(batch);
                Assert.Equal(ApplyResult.Applied, Push(peer, batch));
                batches.Add(batch);
                baseVersion = version;
            }

            return batches;
        }
    }
}
