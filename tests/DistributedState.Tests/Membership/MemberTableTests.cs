using System;
using System.Collections.Generic;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Membership
{
    /// <summary>SWIM's precedence rules and identity binding, on the table alone (no node, no network).</summary>
    public sealed class MemberTableTests : IDisposable
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
        private readonly IdentityKey _web01 = IdentityKey.Create();
        private readonly IdentityKey _other = IdentityKey.Create();
        private readonly MemberTable _table = new MemberTable(new Dictionary<string, string>());

        public void Dispose()
        {
            _web01.Dispose();
            _other.Dispose();
        }

        private AliveRecord Alive(long incarnation, IdentityKey? key = null) =>
            AliveRecord.Create(key ?? _web01, "web01", incarnation, "127.0.0.1", 7946);

        private MemberUpdate Accuse(AccusationKind kind, long incarnation, string reporter = "db01") =>
            _table.ApplyAccusation(new Accusation(kind, "web01", incarnation, reporter), Now, 0);

        [Fact]
        public void A_new_member_joins_and_only_a_newer_incarnation_refreshes_it()
        {
            Assert.Equal(MemberUpdateKind.Joined, _table.ApplyAlive(Alive(1), Now, 0).Kind);
            Assert.Equal(MemberUpdateKind.None, _table.ApplyAlive(Alive(1), Now, 0).Kind);
            Assert.Equal(MemberUpdateKind.None, _table.ApplyAlive(Alive(0), Now, 0).Kind);
            var refreshed = _table.ApplyAlive(Alive(2), Now, 0);
            Assert.Equal((MemberUpdateKind.Refreshed, 2L), (refreshed.Kind, refreshed.Member!.Incarnation));
        }

        [Fact]
        public void An_alive_record_with_a_bad_signature_is_rejected_and_counted()
        {
            var good = Alive(1);
            var forged = new AliveRecord("web01", good.PublicKey, 1, "10.0.0.66", 7946, good.Signature);
            var update = _table.ApplyAlive(forged, Now, 0);
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.bad_signature"), (update.Kind, update.Counter));
            Assert.False(_table.TryGet("web01", out _));
        }

        [Fact]
        public void A_suspicion_applies_at_the_current_incarnation_and_further_reporters_are_counted_once_each()
        {
            _table.ApplyAlive(Alive(3), Now, 0);
            var update = Accuse(AccusationKind.Suspect, 3, "db01");
            Assert.Equal((MemberUpdateKind.StatusChanged, DsnPeerStatus.Alive, DsnPeerStatus.Suspect), (update.Kind, update.OldStatus, update.Member!.Status));
            Accuse(AccusationKind.Suspect, 3, "db02");
            Accuse(AccusationKind.Suspect, 3, "db02");
            Assert.Equal(new[] { "db01", "db02" }, new SortedSet<string>(update.Member.Suspecters));
        }

        [Fact]
        public void An_accusation_of_an_older_incarnation_is_ignored_and_of_an_unannounced_one_rejected()
        {
            _table.ApplyAlive(Alive(3), Now, 0);
            Assert.Equal(MemberUpdateKind.None, Accuse(AccusationKind.Failed, 2).Kind);
            var future = Accuse(AccusationKind.Failed, 4);
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.unknown_incarnation"), (future.Kind, future.Counter));
            Assert.True(_table.TryGet("web01", out var member));
            Assert.Equal(DsnPeerStatus.Alive, member.Status);
        }

        [Fact]
        public void The_suspect_refutes_with_a_newer_incarnation_and_is_alive_again()
        {
            _table.ApplyAlive(Alive(3), Now, 0);
            Accuse(AccusationKind.Suspect, 3);
            var refuted = _table.ApplyAlive(Alive(4), Now, 0);
            Assert.Equal((MemberUpdateKind.StatusChanged, DsnPeerStatus.Suspect, DsnPeerStatus.Alive), (refuted.Kind, refuted.OldStatus, refuted.Member!.Status));
            Assert.Empty(refuted.Member.Suspecters);
        }

        [Fact]
        public void Failed_outranks_suspect_at_the_same_incarnation_but_not_the_other_way_round()
        {
            _table.ApplyAlive(Alive(3), Now, 0);
            Assert.Equal(DsnPeerStatus.Failed, Accuse(AccusationKind.Failed, 3).Member!.Status);
            Assert.Equal(MemberUpdateKind.None, Accuse(AccusationKind.Suspect, 3).Kind);
        }

        [Fact]
        public void A_signed_leave_is_final_against_later_accusations_and_a_forged_one_is_rejected()
        {
            _table.ApplyAlive(Alive(3), Now, 0);
            var forged = _table.ApplyLeave(new LeaveRecord("web01", 3, new byte[IdentityKey.SignatureLength]), Now, 0);
            Assert.Equal(MemberUpdateKind.Rejected, forged.Kind);
            var leave = _table.ApplyLeave(LeaveRecord.Create(_web01, "web01", 3), Now, 0);
            Assert.Equal((MemberUpdateKind.StatusChanged, DsnPeerStatus.Left), (leave.Kind, leave.Member!.Status));
            Assert.Equal(MemberUpdateKind.None, Accuse(AccusationKind.Failed, 3).Kind);
            Assert.Equal(DsnPeerStatus.Left, leave.Member.Status);
        }

        [Fact]
        public void A_live_member_is_not_rebound_to_another_key()
        {
            _table.ApplyAlive(Alive(1), Now, 0);
            var impostor = _table.ApplyAlive(Alive(9, _other), Now, 0);
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.identity_conflict"), (impostor.Kind, impostor.Counter));
            Assert.True(_table.TryGet("web01", out var member));
            Assert.Equal(_web01.PublicKeyHex, member.PublicKeyHex);
        }

        [Fact]
        public void With_an_allow_list_only_pinned_nodes_with_their_pinned_key_are_admitted()
        {
            var pinned = new MemberTable(new Dictionary<string, string> { ["web01"] = _web01.PublicKeyHex.ToUpperInvariant() });
            Assert.Equal(MemberUpdateKind.Joined, pinned.ApplyAlive(Alive(1), Now, 0).Kind);
            Assert.Equal("members.rejected.not_allowed", pinned.ApplyAlive(AliveRecord.Create(_other, "db01", 1, "127.0.0.1", 1), Now, 0).Counter);
            Assert.Contains("differs from the pinned one", pinned.AdmissionProblem("web01", _other.PublicKey, out _));
        }
    }
}
