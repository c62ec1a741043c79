using System.IO;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Protocol
{
    /// <summary>Keyring commands (message 50) and their answers, carried as query responses' payloads.</summary>
    public sealed class KeyringMessagesTests
    {
        [Fact]
        public void A_report_round_trips_with_its_status_message_and_key_ids_in_order()
        {
            var ids = new[] { DsnNetworkKey.Generate().Id, DsnNetworkKey.Generate(128).Id };
            var decoded = KeyringReport.Decode(new KeyringReport(DsnKeyringStatus.Refused, "the key is the primary", ids).Encode());
            Assert.Equal((DsnKeyringStatus.Refused, "the key is the primary"), (decoded.Status, decoded.Message));
            Assert.Equal(ids, decoded.KeyIds);
            Assert.Null(KeyringReport.Decode(new KeyringReport(DsnKeyringStatus.Changed, null, ids).Encode()).Message);
        }

        [Fact]
        public void A_long_message_is_cut_to_fit_and_still_decodes()
        {
            var decoded = KeyringReport.Decode(new KeyringReport(DsnKeyringStatus.Changed, new string('é', 5000), new string[0]).Encode());
            Assert.True(decoded.Message!.Length <= KeyringReport.MaxMessageBytes);
        }

        [Theory]
        [InlineData(new byte[] { 0, 0, 0, 0 })] // status 0
        [InlineData(new byte[] { 4, 0, 0, 0 })] // NoAnswer is never sent
        [InlineData(new byte[] { 1, 0, 0, 17 })] // more keys than a ring holds
        [InlineData(new byte[] { 1, 0, 0, 1, 1, 2 })] // truncated id
        [InlineData(new byte[] { 1, 0, 0, 0, 9 })] // trailing bytes
        public void A_malformed_report_is_refused(byte[] payload) =>
            Assert.Throws<InvalidDataException>(() => KeyringReport.Decode(payload));

        [Fact]
        public void An_install_whose_key_does_not_match_its_id_is_refused()
        {
            var key = DsnNetworkKey.Generate();
            var message = new KeyringCommandMessage(1, 7, "n1", 0, DsnKeyringOperation.Install, DsnNetworkKey.Generate().Id, key, new byte[64]);
            var bytes = MessageCodec.Encode(message);
            var limits = new ProtocolLimits(1024, 1024);
            Assert.Contains("does not match", Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes, 0, bytes.Length, limits)).Message);
            var use = MessageCodec.Encode(new KeyringCommandMessage(1, 7, "n1", 0, DsnKeyringOperation.Use, key.Id, key, new byte[64]));
            Assert.Contains("only an install", Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(use, 0, use.Length, limits)).Message);
        }
    
        [Fact]
        public void A_keyring_command_changed_in_transit_or_signed_by_another_key_fails_verification()
        {
            using var asker = IdentityKey.Create();
            using var other = IdentityKey.Create();
            var key = DsnNetworkKey.Generate();
            var command = KeyringCommandMessage.Create(asker, 2, 42, "k1", 1_800_000_000_000, DsnKeyringOperation.Use, key.Id, null);
            using var verifier = SignatureVerifier.For(asker.PublicKey);
            Assert.True(command.IsSignedBy(verifier));
            Assert.True(command.WithRelayBudget(0).IsSignedBy(verifier)); // relays may lower the budget, nothing else
            var changed = new KeyringCommandMessage(2, 42, "k1", 1_800_000_000_000, DsnKeyringOperation.Remove, key.Id, null, command.Signature);
            Assert.False(changed.IsSignedBy(verifier));
            var otherKey = new KeyringCommandMessage(2, 42, "k1", 1_800_000_000_000, DsnKeyringOperation.Use, DsnNetworkKey.Generate().Id, null, command.Signature);
            Assert.False(otherKey.IsSignedBy(verifier));
            Assert.False(KeyringCommandMessage.Create(other, 2, 42, "k1", 1_800_000_000_000, DsnKeyringOperation.Use, key.Id, null).IsSignedBy(verifier));
        }
    }
}
