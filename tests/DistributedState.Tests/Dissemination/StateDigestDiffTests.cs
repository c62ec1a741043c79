using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Dissemination;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.State;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Dissemination
{
    /// <summary>The state half of anti-entropy, on owner states alone: which batches a peer lacks, whether we lack any.</summary>
    public sealed class StateDigestDiffTests : IDisposable
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
        private readonly IdentityKey _db = IdentityKey.Create();
        private readonly MemberTable _members = new MemberTable(new Dictionary<string, string>());
        private readonly Dictionary<string, OwnerState> _owners = new Dictionary<string, OwnerState>(NameRules.NodeIdComparer);

        public StateDigestDiffTests()
        {
            _members.ApplyAlive(AliveRecord.Create(_db, "db", 1, "127.0.0.1", 1), null, overSession: true, Now, 0);
            var owner = new SigningOwner(_db, "db");
            var db = new OwnerState("db");
            db.TryApply(owner.Batch(100, 100, 101, ("a", 101, "1")), long.MaxValue, new List<StateChange>());
            db.TryApply(owner.Batch(100, 101, 102, ("b", 102, "2")), long.MaxValue, new List<StateChange>());
            Assert.Equal(102, db.Version);
            _owners["db"] = db;
        }

        public void Dispose() => _db.Dispose();

        private StateDigestDiff Diff(string peer, params OwnerDigest[] theirs) => StateDigestDiff.Compute(_owners, _members, theirs, peer);

        [Fact]
        public void A_peer_that_holds_nothing_gets_every_batch_from_version_zero()
        {
            var answer = Assert.Single(Diff("web").Answers);
            Assert.Equal(("db", 0L), (answer.Owner, answer.FromVersion));
            Assert.Equal(new[] { 101L, 102L }, answer.Batches.Select(b => b.Version));
            Assert.False(Diff("web").WeLack);
        }

        [Fact]
        public void A_peer_behind_in_the_epoch_gets_the_batches_after_its_version()
        {
            var answer = Assert.Single(Diff("web", new OwnerDigest("DB", 100, 101)).Answers);
            Assert.Equal(101, answer.FromVersion);
            Assert.Equal(new[] { 102L }, answer.Batches.Select(b => b.Version));
        }

        [Fact]
        public void A_peer_of_an_older_epoch_gets_the_whole_current_epoch()
        {
            var answer = Assert.Single(Diff("web", new OwnerDigest("db", 50, 90)).Answers);
            Assert.Equal(0, answer.FromVersion);
            Assert.Equal(2, answer.Batches.Count);
        }

        [Fact]
        public void A_peer_level_with_us_or_ahead_gets_nothing_and_ahead_means_we_lack()
        {
            var level = Diff("web", new OwnerDigest("db", 100, 102));
            Assert.Empty(level.Answers);
            Assert.False(level.WeLack);
            var ahead = Diff("web", new OwnerDigest("db", 100, 105));
            Assert.Empty(ahead.Answers);
            Assert.True(ahead.WeLack);
            Assert.True(Diff("web", new OwnerDigest("db", 500, 501)).WeLack); // a newer run
        }

        [Fact]
        public void State_of_a_known_member_we_hold_nothing_of_is_a_gap_state_of_a_stranger_is_not()
        {
            Assert.False(Diff("web", new OwnerDigest("db", 100, 102), new OwnerDigest("web", 7, 8)).WeLack);
            using var web = IdentityKey.Create();
            _members.ApplyAlive(AliveRecord.Create(web, "web", 1, "127.0.0.1", 2), null, overSession: true, Now, 0);
            Assert.True(Diff("db", new OwnerDigest("db", 100, 102), new OwnerDigest("web", 7, 8)).WeLack);
        }

        [Fact]
        public void An_owner_whose_run_began_below_versions_we_hold_is_shown_them_so_it_can_rebase()
        {
            // db restarted with a clock behind: epoch 101 is above our epoch but not above the versions we hold.
            var answer = Assert.Single(Diff("db", new OwnerDigest("db", 101, 101)).Answers);
            Assert.Equal(0, answer.FromVersion);
            Assert.Equal(new[] { 101L, 102L }, answer.Batches.Select(b => b.Version));
            // Another peer naming that epoch gets nothing: it is newer than ours as far as it knows.
            Assert.Empty(Diff("web", new OwnerDigest("db", 101, 101)).Answers);
        }

        [Fact]
        public void Unpublished_state_is_not_offered()
        {
            var own = new OwnerState("self");
            own.BeginEpoch(10, () => 11);
            own.HoldOpening();
            _owners["self"] = own;
            Assert.DoesNotContain(Diff("web").Answers, a => a.Owner == "self");
        }

        [Fact]
        public void A_large_answer_is_split_into_frames_in_order()
        {
            var answer = Assert.Single(Diff("web").Answers);
            var one = answer.Batches[0].Size;
            var messages = answer.Messages(one).ToList(); // room for one batch per frame
            Assert.Equal(new[] { 101L, 102L }, messages.SelectMany(m => m.Batches).Select(b => b.Version));
            Assert.Equal(2, messages.Count);
            Assert.All(messages, m => Assert.Equal(("db", 0L), (m.Owner, m.FromVersion)));
            Assert.Equal(new[] { true, false }, messages.Select(m => m.MoreFollow)); // the receiver judges the answer whole
            Assert.Single(answer.Messages(long.MaxValue));
        }
    }
}
