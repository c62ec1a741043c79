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
    /// Leased values in one owner's state, on clocks the test sets: expiry hides a value without changing what is signed,
    /// so holders that expire it at different moments still add up to the owner's commitment and hand on the same batches.
    /// </summary>
    public sealed class OwnerStateLeaseTests : IDisposable
    {
        private const string Owner = "web01";
        private const long WrittenMs = 1_700_000_000_000;
        private static readonly long Epoch = WrittenMs << 12;
        private readonly IdentityKey _key = IdentityKey.Create();
        private readonly SigningOwner _owner;
        private long _monotonic = 50_000;
        private long _wall = WrittenMs + 20; // the push arrives 20 ms after the write
        private readonly LeaseTimetable _leases;

        public OwnerStateLeaseTests()
        {
            _owner = new SigningOwner(_key, Owner);
            _leases = new LeaseTimetable(() => _monotonic, () => _wall, 5_000);
        }

        public void Dispose() => _key.Dispose();

        private SignedBatch Batch(long baseVersion, long version, params BatchEntry[] entries) => _owner.Batch(Epoch, baseVersion, version, entries);

        private static List<StateChange> Apply(OwnerState state, SignedBatch batch)
        {
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, state.TryApply(batch, long.MaxValue, changes).Result);
            return changes;
        }

        /// <summary>Advances both clocks and expires what is due, as the node's tick does.</summary>
        private List<StateChange> Pass(OwnerState state, long ms)
        {
            _monotonic += ms;
            _wall += ms;
            var changes = new List<StateChange>();
            foreach (var due in _leases.TakeDue(_monotonic))
                state.Expire(due.Key, due.ExpiresAt, changes);
            return changes;
        }

        [Fact]
        public void A_received_lease_expires_by_the_receivers_clock_reporting_an_expiry_and_leaving_the_signed_copy_alone()
        {
            var holder = new OwnerState(Owner, _leases);
            var opening = Batch(Epoch, Epoch + 1, new BatchEntry("status", Epoch + 1, "ok", leaseMs: 10_000), new BatchEntry("role", Epoch + 1, "web"));
            Assert.Equal(2, Apply(holder, opening).Count);
            var before = holder.Commitment;
            Assert.Equal(10_000u, holder.Find("status")!.Value.LeaseMs);
            Assert.Equal(_monotonic + 10_000, holder.Find("status")!.Value.ExpiresAt);

            Assert.Empty(Pass(holder, 9_999));
            Assert.Equal("ok", holder.Get("status"));
            var expired = Assert.Single(Pass(holder, 1));
            Assert.Equal(("status", "ok", (string?)null, DsnStateChangeReason.Expired), (expired.Key, expired.OldValue, expired.NewValue, expired.Reason));
            Assert.Null(holder.Get("status"));
            Assert.Null(holder.Find("status"));
            Assert.Equal(new[] { "role" }, holder.Snapshot().Select(e => e.Key));
            Assert.Equal(1, holder.KeyCount);
            // Nothing signed changed: the version, the commitment and the batch that proves the value are all kept.
            Assert.Equal(Epoch + 1, holder.Version);
            Assert.Equal(before, holder.Commitment);
            Assert.Contains(holder.BatchesAfter(0, 0), b => b.Version == opening.Version);
        }

        [Fact]
        public void A_holder_that_expired_a_value_hands_on_batches_that_add_up_and_a_late_joiner_takes_them_without_showing_it()
        {
            var holder = new OwnerState(Owner, _leases);
            Apply(holder, Batch(Epoch, Epoch + 1, new BatchEntry("status", Epoch + 1, "ok", leaseMs: 10_000)));
            Apply(holder, Batch(Epoch + 1, Epoch + 2, new BatchEntry("role", Epoch + 2, "web")));
            Pass(holder, 20_000);
            Assert.Null(holder.Get("status"));

            // A joiner syncs from this holder 20 s after the write: the answer adds up to the owner's commitment.
            var joiner = new OwnerState(Owner, _leases);
            var changes = new List<StateChange>();
            Assert.Equal(ApplyResult.Applied, joiner.TryApplySync(holder.BatchesAfter(0, 0), 0, long.MaxValue, changes).Result);
            Assert.Equal(holder.Commitment, joiner.Commitment);
            Assert.Null(joiner.Get("status"));
            Assert.Equal(new[] { ("role", "web") }, changes.Select(c => (c.Key, c.NewValue!)));
            Assert.Equal(0, _leases.Count); // nothing left to expire: the joiner's copy arrived expired
            // A second holder that has not expired it yet and this one agree on the signed state: no repair is due.
            Assert.Equal(BatchFit.Duplicate, joiner.Classify(holder.BatchesAfter(0, 0).Last()));
        }

        [Fact]
        public void A_renewal_moves_the_expiry_and_keeps_one_lease_per_key()
        {
            var holder = new OwnerState(Owner, _leases);
            Apply(holder, Batch(Epoch, Epoch + 1, new BatchEntry("status", Epoch + 1, "ok", leaseMs: 10_000)));
            Pass(holder, 8_000);
            // Renewed 8 s after the write: the same value, a new version, a fresh lease; no change to report.
            var renewed = (WrittenMs + 8_000) << 12;
            Assert.Empty(Apply(holder, Batch(Epoch + 1, renewed, new BatchEntry("status", renewed, "ok", leaseMs: 10_000))));
            Assert.Equal(1, _leases.Count);
            Assert.Empty(Pass(holder, 9_000)); // past the first lease, within the renewed one
            Assert.Equal("ok", holder.Get("status"));
            Assert.Equal(DsnStateChangeReason.Expired, Assert.Single(Pass(holder, 1_000)).Reason);
        }

        [Fact]
        public void The_owners_lapsed_tombstone_reports_an_expiry_once_whether_or_not_the_holder_expired_the_value_already()
        {
            var early = new OwnerState(Owner, _leases);
            var late = new OwnerState(Owner, _leases);
            var opening = Batch(Epoch, Epoch + 1, new BatchEntry("status", Epoch + 1, "ok", leaseMs: 1_000));
            Apply(early, opening);
            _monotonic += 30; // the second holder got the push 30 ms later: its lease ends 30 ms later
            Apply(late, opening);
            var expiredEarly = Pass(early, 1_000 - 30);
            Assert.Single(expiredEarly); // only the early holder's lease was due
            var lapsedVersion = (WrittenMs + 1_000) << 12;
            var tombstone = Batch(Epoch + 1, lapsedVersion, new BatchEntry("status", lapsedVersion, null, lapsed: true));
            Assert.Empty(Apply(early, tombstone)); // already expired here: nothing more to report
            var fromTombstone = Assert.Single(Apply(late, tombstone));
            Assert.Equal((DsnStateChangeReason.Expired, "ok"), (fromTombstone.Reason, fromTombstone.OldValue));
            Assert.Equal(early.Commitment, late.Commitment);
            Assert.Equal(0, _leases.Count);
            Assert.Empty(Pass(late, 1_000));
        }

        [Fact]
        public void The_owner_signs_the_lease_and_a_new_epoch_carries_only_what_is_left_of_it()
        {
            var own = new OwnerState(Owner, _leases);
            long version = Epoch;
            own.BeginEpoch(version, () => ++version);
            own.WriteLocal("status", "ok", ++version, null, leaseMs: 10_000);
            own.WriteLocal("role", "web", ++version, null);
            var taken = own.TakePendingWrites();
            Assert.Equal(new[] { ("status", 10_000u), ("role", 0u) }, taken.Entries.Select(e => (e.Key, e.LeaseMs)));

            _monotonic += 4_000;
            own.BeginEpoch(++version, () => ++version); // a rebase re-stamps the live entries
            var restamped = own.TakePendingWrites().Entries.Single(e => e.Key == "status");
            Assert.Equal(6_000u, restamped.LeaseMs);
            Assert.Equal(_monotonic + 6_000, own.Find("status")!.Value.ExpiresAt); // the expiry did not move
            Assert.Equal(1, _leases.Count);
        }

        [Fact]
        public void The_owner_ends_its_own_lease_with_a_lapsed_tombstone_reported_as_an_expiry()
        {
            var own = new OwnerState(Owner, _leases);
            long version = Epoch;
            own.BeginEpoch(version, () => ++version);
            own.WriteLocal("status", "ok", ++version, null, leaseMs: 1_000);
            _monotonic += 1_000;
            var due = Assert.Single(_leases.TakeDue(_monotonic));
            Assert.True(own.HoldsLease(due.Key, due.ExpiresAt));
            var changes = new List<StateChange>();
            own.WriteLocal("status", null, ++version, changes, lapsed: true);
            Assert.Equal(DsnStateChangeReason.Expired, Assert.Single(changes).Reason);
            var tombstone = Assert.Single(own.TakePendingWrites().Entries);
            Assert.True(tombstone.Lapsed);
            Assert.Null(tombstone.Value);
        }

        [Fact]
        public void A_dropped_state_leaves_nothing_in_the_timetable()
        {
            var holder = new OwnerState(Owner, _leases);
            Apply(holder, Batch(Epoch, Epoch + 1, new BatchEntry("a", Epoch + 1, "1", leaseMs: 1_000), new BatchEntry("b", Epoch + 1, "2", leaseMs: 2_000)));
            Assert.Equal(2, _leases.Count);
            holder.Drop();
            Assert.Equal(0, _leases.Count);
        }
    }
}
