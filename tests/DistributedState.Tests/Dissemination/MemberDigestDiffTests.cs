using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Dissemination;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Dissemination
{
    /// <summary>The membership half of anti-entropy, on a member table alone: what a peer lacks, what this node lacks.</summary>
    public sealed class MemberDigestDiffTests : IDisposable
    {
        private const string Self = "self";
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
        private readonly IdentityKey _self = IdentityKey.Create();
        private readonly IdentityKey _web = IdentityKey.Create();
        private readonly MemberTable _table = new MemberTable(new Dictionary<string, string>());
        private readonly ReapedMembers _reaped = new ReapedMembers();

        public MemberDigestDiffTests()
        {
            _table.AddSelf(AliveRecord.Create(_self, Self, 5, "127.0.0.1", 1), null, Now);
            _table.ApplyAlive(AliveRecord.Create(_web, "web", 3, "127.0.0.1", 2), null, overSession: true, Now, 0);
        }

        public void Dispose()
        {
            _self.Dispose();
            _web.Dispose();
        }

        private MemberDigestDiff Diff(params MemberDigest[] theirs) => MemberDigestDiff.Compute(_table, _reaped, theirs, Self, 5);

        private static MemberDigest Digest(string nodeId, long incarnation, DsnPeerStatus status = DsnPeerStatus.Alive) =>
            new MemberDigest(nodeId, incarnation, Member.StatusRank(status));

        [Fact]
        public void A_peer_that_knows_nothing_gets_every_alive_record_and_has_nothing_for_us()
        {
            var diff = Diff();
            Assert.Equal(new[] { Self, "web" }, diff.Alive.Select(a => a.NodeId).OrderBy(n => n));
            Assert.Empty(diff.Accusations);
            Assert.Empty(diff.Leaves);
            Assert.True(diff.PeerLacksAnything);
            Assert.False(diff.WeLack);
            Assert.Null(diff.Doubted);
        }

        [Fact]
        public void A_peer_with_the_same_view_gets_nothing()
        {
            var diff = Diff(Digest(Self, 5), Digest("WEB", 3));
            Assert.False(diff.PeerLacksAnything);
            Assert.False(diff.WeLack);
        }

        [Fact]
        public void An_older_incarnation_gets_the_newer_record_and_a_newer_one_means_we_lack()
        {
            Assert.Equal(new[] { "web" }, Diff(Digest(Self, 5), Digest("web", 2)).Alive.Select(a => a.NodeId));
            var diff = Diff(Digest(Self, 5), Digest("web", 4));
            Assert.False(diff.PeerLacksAnything);
            Assert.True(diff.WeLack);
        }

        [Fact]
        public void A_suspicion_the_peer_has_not_heard_of_is_sent_with_its_reporter()
        {
            using var db = IdentityKey.Create();
            _table.ApplyAlive(AliveRecord.Create(db, "db", 1, "127.0.0.1", 3), null, overSession: true, Now, 0); // a reporter is a known member
            _table.ApplyAccusation(Accusation.Create(db, "db", AccusationKind.Suspect, "web", _web.PublicKey, 3), Now, 0);
            var accusation = Assert.Single(Diff(Digest(Self, 5), Digest("web", 3)).Accusations);
            Assert.Equal((AccusationKind.Suspect, "web", 3L, "db"), (accusation.Kind, accusation.NodeId, accusation.Incarnation, accusation.Reporter));
            // The peer already holds it failed: nothing to tell it, and its graver status is something we lack.
            var diff = Diff(Digest(Self, 5), Digest("web", 3, DsnPeerStatus.Failed));
            Assert.Empty(diff.Accusations);
            Assert.True(diff.WeLack);
        }

        [Fact]
        public void A_signed_leave_travels_as_the_leave()
        {
            _table.ApplyLeave(LeaveRecord.Create(_web, "web", 3), Now, 0);
            var diff = Diff(Digest(Self, 5), Digest("web", 3));
            Assert.Equal("web", Assert.Single(diff.Leaves).NodeId);
            Assert.Empty(diff.Accusations);
        }

        [Fact]
        public void A_member_we_do_not_know_is_a_gap_unless_we_forgot_it_on_purpose()
        {
            Assert.True(Diff(Digest(Self, 5), Digest("web", 3), Digest("db", 1)).WeLack);
            _reaped.Remember("db", 1, long.MaxValue);
            Assert.False(Diff(Digest(Self, 5), Digest("web", 3), Digest("db", 1)).WeLack);
        }

        [Fact]
        public void A_peer_that_doubts_this_node_at_its_incarnation_is_refuted_not_believed()
        {
            var diff = Diff(Digest(Self, 5, DsnPeerStatus.Suspect), Digest("web", 3));
            Assert.Equal((Self, 5L), (diff.Doubted!.Value.NodeId, diff.Doubted.Value.Incarnation));
            Assert.False(diff.WeLack); // the refutation raises our incarnation above the peer's

            // At an older incarnation the peer simply lacks the newer record; at a newer one (an earlier run's) we lack it.
            Assert.Null(Diff(Digest(Self, 4, DsnPeerStatus.Failed)).Doubted);
            var newer = Diff(Digest(Self, 6, DsnPeerStatus.Suspect), Digest("web", 3));
            Assert.Null(newer.Doubted);
            Assert.True(newer.WeLack);
        }
    }
}
