using System;
using System.Collections.Generic;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Membership
{
    /// <summary>SWIM's precedence rules, key bindings and signed accusations, on the table alone (no node, no network).</summary>
    public sealed class MemberTableTests : IDisposable
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
        private readonly IdentityKey _web01 = IdentityKey.Create();
        private readonly IdentityKey _other = IdentityKey.Create();
        private readonly IdentityKey _db01 = IdentityKey.Create();
        private readonly IdentityKey _db02 = IdentityKey.Create();
        private readonly MemberTable _table = new MemberTable(new Dictionary<string, string>());

        public MemberTableTests()
        {
            // The reporters of the accusations below: members whose keys the table knows.
            Gossip(AliveRecord.Create(_db01, "db01", 1, "127.0.0.1", 1));
            Gossip(AliveRecord.Create(_db02, "db02", 1, "127.0.0.1", 2));
        }

        public void Dispose()
        {
            _web01.Dispose();
            _other.Dispose();
            _db01.Dispose();
            _db02.Dispose();
        }

        private AliveRecord Alive(long incarnation, IdentityKey? key = null) =>
            AliveRecord.Create(key ?? _web01, "web01", incarnation, "127.0.0.1", 7946);

        private MemberUpdate Gossip(AliveRecord record, RebindRecord? rebind = null) => _table.ApplyAlive(record, rebind, overSession: false, Now, 0);

        private MemberUpdate Handshake(AliveRecord record, RebindRecord? rebind = null) => _table.ApplyAlive(record, rebind, overSession: true, Now, 0);

        private Accusation Signed(AccusationKind kind, long incarnation, IdentityKey reporterKey, string reporter) =>
            Accusation.Create(reporterKey, reporter, kind, "web01", _web01.PublicKey, incarnation);

        private MemberUpdate Accuse(AccusationKind kind, long incarnation, string reporter = "db01") =>
            _table.ApplyAccusation(Signed(kind, incarnation, reporter == "db02" ? _db02 : _db01, reporter), Now, 0);

        private string? Problem(IdentityKey key, bool overSession, RebindRecord? rebind = null) =>
            _table.AdmissionProblem("web01", key.PublicKey, overSession, rebind, out _);

        [Fact]
        public void A_new_member_joins_and_only_a_newer_incarnation_refreshes_it()
        {
            Assert.Equal(MemberUpdateKind.Joined, Gossip(Alive(1)).Kind);
            Assert.Equal(MemberUpdateKind.None, Gossip(Alive(1)).Kind);
            Assert.Equal(MemberUpdateKind.None, Gossip(Alive(0)).Kind);
            var refreshed = Gossip(Alive(2));
            Assert.Equal((MemberUpdateKind.Refreshed, 2L), (refreshed.Kind, refreshed.Member!.Incarnation));
        }

        [Fact]
        public void An_alive_record_with_a_bad_signature_is_rejected_and_counted()
        {
            var good = Alive(1);
            var forged = new AliveRecord("web01", good.PublicKey, 1, "10.0.0.66", 7946, good.Signature);
            var update = Gossip(forged);
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.bad_signature"), (update.Kind, update.Counter));
            Assert.False(_table.TryGet("web01", out _));
            Assert.False(_table.Bindings.TryGet("web01", out _)); // a forged record binds nothing
        }

        [Fact]
        public void A_suspicion_applies_at_the_current_incarnation_and_further_reporters_are_counted_once_each()
        {
            Gossip(Alive(3));
            var update = Accuse(AccusationKind.Suspect, 3, "db01");
            Assert.Equal((MemberUpdateKind.StatusChanged, DsnPeerStatus.Alive, DsnPeerStatus.Suspect), (update.Kind, update.OldStatus, update.Member!.Status));
            Accuse(AccusationKind.Suspect, 3, "db02");
            Accuse(AccusationKind.Suspect, 3, "db02");
            Assert.Equal(new[] { "db01", "db02" }, new SortedSet<string>(update.Member.Suspecters));
            Assert.Equal("db01", update.Member.Reporter);
        }

        [Fact]
        public void Accusations_that_their_reporter_did_not_sign_are_rejected_and_do_not_count_as_confirmations()
        {
            Gossip(Alive(3));
            var unsigned = new Accusation(AccusationKind.Failed, "web01", 3, "db01", new byte[IdentityKey.SignatureLength]);
            var update = _table.ApplyAccusation(unsigned, Now, 0);
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.forged_accusation"), (update.Kind, update.Counter));
            Assert.Equal(DsnPeerStatus.Alive, update.Member!.Status);

            Accuse(AccusationKind.Suspect, 3, "db01");
            // In db02's name but signed by db01; in the name of a NodeId nobody knows; about another identity's key.
            var inAnothersName = _table.ApplyAccusation(Signed(AccusationKind.Suspect, 3, _db01, "db02"), Now, 0);
            var ghost = _table.ApplyAccusation(Signed(AccusationKind.Suspect, 3, _other, "ghost"), Now, 0);
            var otherIdentity = _table.ApplyAccusation(Accusation.Create(_db02, "db02", AccusationKind.Suspect, "web01", _other.PublicKey, 3), Now, 0);
            Assert.Equal("members.rejected.forged_accusation", inAnothersName.Counter);
            Assert.Equal("members.rejected.unknown_reporter", ghost.Counter);
            Assert.Equal("members.rejected.forged_accusation", otherIdentity.Counter);
            Assert.Equal(new[] { "db01" }, update.Member.Suspecters);
        }

        [Fact]
        public void An_accusation_of_an_older_incarnation_is_ignored_and_of_an_unannounced_one_rejected()
        {
            Gossip(Alive(3));
            Assert.Equal(MemberUpdateKind.None, Accuse(AccusationKind.Failed, 2).Kind);
            var future = Accuse(AccusationKind.Failed, 4);
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.unknown_incarnation"), (future.Kind, future.Counter));
            Assert.True(_table.TryGet("web01", out var member));
            Assert.Equal(DsnPeerStatus.Alive, member.Status);
        }

        [Fact]
        public void The_suspect_refutes_with_a_newer_incarnation_and_is_alive_again()
        {
            Gossip(Alive(3));
            Accuse(AccusationKind.Suspect, 3);
            var refuted = Gossip(Alive(4));
            Assert.Equal((MemberUpdateKind.StatusChanged, DsnPeerStatus.Suspect, DsnPeerStatus.Alive), (refuted.Kind, refuted.OldStatus, refuted.Member!.Status));
            Assert.Empty(refuted.Member.Suspecters);
            Assert.Null(refuted.Member.Accusation);
        }

        [Fact]
        public void Failed_outranks_suspect_at_the_same_incarnation_but_not_the_other_way_round()
        {
            Gossip(Alive(3));
            var failed = Accuse(AccusationKind.Failed, 3);
            Assert.Equal(DsnPeerStatus.Failed, failed.Member!.Status);
            Assert.Equal(AccusationKind.Failed, failed.Member.Accusation!.Kind); // kept, signed, to hand on
            Assert.Equal(MemberUpdateKind.None, Accuse(AccusationKind.Suspect, 3).Kind);
        }

        [Fact]
        public void A_signed_leave_is_final_against_later_accusations_and_a_forged_one_is_rejected()
        {
            Gossip(Alive(3));
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
            Gossip(Alive(1));
            var impostor = Gossip(Alive(9, _other));
            Assert.Equal((MemberUpdateKind.Rejected, "members.rejected.identity_conflict"), (impostor.Kind, impostor.Counter));
            Assert.True(_table.TryGet("web01", out var member));
            Assert.Equal(_web01.PublicKeyHex, member.PublicKeyHex);
        }

        [Theory]
        [InlineData(DsnPeerStatus.Failed)]
        [InlineData(DsnPeerStatus.Left)]
        public void A_departed_and_a_forgotten_member_keeps_its_key_against_gossip_and_handshakes(DsnPeerStatus departure)
        {
            Handshake(Alive(3));
            if (departure == DsnPeerStatus.Failed)
                Accuse(AccusationKind.Failed, 3);
            else
                _table.ApplyLeave(LeaveRecord.Create(_web01, "web01", 3), Now, 0);

            Assert.Equal("members.rejected.identity_conflict", Gossip(Alive(9, _other)).Counter);
            Assert.Equal("members.rejected.identity_conflict", Handshake(Alive(9, _other)).Counter);
            _table.Remove("web01");
            Assert.False(_table.TryGet("web01", out _));
            Assert.Equal("members.rejected.identity_conflict", Gossip(Alive(9, _other)).Counter);
            Assert.Contains("to give it a new key", Problem(_other, overSession: true));
            // The member itself may come back.
            Assert.Equal(MemberUpdateKind.Joined, Handshake(Alive(10)).Kind);
            Assert.Equal(0, _table.Bindings.RetiredCount);
        }

        [Fact]
        public void A_rebind_signed_by_the_bound_key_moves_the_NodeId_and_a_forged_or_stale_one_does_not()
        {
            Handshake(Alive(3));
            var forged = new RebindRecord("web01", _web01.PublicKey, _other.PublicKey, _other.Sign(new byte[] { 1 }));
            Assert.Equal("members.rejected.bad_rebind", Gossip(Alive(9, _other), forged).Counter);
            using var third = IdentityKey.Create();
            var fromUnboundKey = RebindRecord.Create(third, "web01", _other.PublicKey);
            Assert.Equal("members.rejected.bad_rebind", Gossip(Alive(9, _other), fromUnboundKey).Counter);
            var forAnotherKey = RebindRecord.Create(_web01, "web01", third.PublicKey);
            Assert.Equal("members.rejected.identity_conflict", Gossip(Alive(9, _other), forAnotherKey).Counter);

            var rebind = RebindRecord.Create(_web01, "WEB01", _other.PublicKey);
            var moved = Gossip(Alive(9, _other), rebind);
            Assert.Equal((MemberUpdateKind.Rebound, _other.PublicKeyHex), (moved.Kind, moved.Member!.PublicKeyHex));
            Assert.Same(rebind, moved.Member.Rebind);
            Assert.True(_table.Bindings.TryGet("web01", out var binding));
            Assert.True(binding.Firm); // approved by a firm key
            // The old key is retired for good: it cannot come back, not even with the same statement replayed.
            Assert.Equal("members.rejected.identity_conflict", Handshake(Alive(20), rebind).Counter);
        }

        [Fact]
        public void A_binding_learned_from_gossip_yields_only_to_a_handshake_after_its_key_was_found_unreachable()
        {
            Gossip(Alive(3, _other)); // someone announced web01 under another key before web01 ever showed up
            Assert.Contains("from gossip", Problem(_web01, overSession: true));
            Assert.Equal("members.rejected.identity_conflict", Handshake(Alive(4)).Counter);

            _table.NoteUnreachable("web01", _web01.PublicKeyHex); // about another key: changes nothing
            Assert.NotNull(Problem(_web01, overSession: true));
            _table.NoteUnreachable("web01", _other.PublicKeyHex);
            Assert.Equal("members.rejected.identity_conflict", Gossip(Alive(4)).Counter); // gossip never moves a binding
            var real = Handshake(Alive(4));
            Assert.Equal((MemberUpdateKind.Rebound, _web01.PublicKeyHex), (real.Kind, real.Member!.PublicKeyHex));
            Assert.Contains("gossip only", real.Reason);

            // Now firm: the gossiped key cannot come back, however unreachable web01 becomes.
            _table.NoteUnreachable("web01", _web01.PublicKeyHex);
            Assert.Equal("members.rejected.identity_conflict", Handshake(Alive(9, _other)).Counter);
        }

        [Fact]
        public void A_handshake_makes_a_gossiped_binding_of_the_same_key_firm()
        {
            Gossip(Alive(3));
            Assert.True(_table.Bindings.TryGet("web01", out var binding));
            Assert.False(binding.Firm);
            Assert.Equal(MemberUpdateKind.None, Handshake(Alive(3)).Kind);
            Assert.True(binding.Firm);
        }

        [Fact]
        public void With_an_allow_list_only_pinned_nodes_with_their_pinned_key_are_admitted_and_a_pin_overrides_a_binding()
        {
            var bindings = new KeyBindings();
            bindings.Bind("web01", _other.PublicKeyHex, firm: true); // remembered from before the pin changed
            var pinned = new MemberTable(new Dictionary<string, string> { ["web01"] = _web01.PublicKeyHex.ToUpperInvariant() }, bindings);
            Assert.Equal(MemberUpdateKind.Joined, pinned.ApplyAlive(Alive(1), null, false, Now, 0).Kind);
            Assert.Equal("members.rejected.not_allowed", pinned.ApplyAlive(AliveRecord.Create(_other, "db01", 1, "127.0.0.1", 1), null, false, Now, 0).Counter);
            Assert.Contains("differs from the pinned one", pinned.AdmissionProblem("web01", _other.PublicKey, true, null, out _));
            Assert.True(bindings.TryGet("web01", out var binding));
            Assert.Equal((_web01.PublicKeyHex, true), (binding.PublicKeyHex, binding.Firm));
        }
    }
}
