using System.Collections.Generic;
using System.IO;
using System.Text;
using DistributedState.Internal;
using DistributedState.Security;

namespace DistributedState.Protocol
{
    /// <summary>
    /// A keyring operation for every member (Add-, Set-DsnPrimary-, Remove-, Get-DsnNetworkKey), signed by the member
    /// that asks so that nobody relaying it can change it or ask in another member's name. Handed on like a fleet query,
    /// inside the sessions only (an install carries the new key itself); each member applies it once and answers the
    /// asker directly with a <see cref="QueryResponseMessage"/> whose payload is a <see cref="KeyringReport"/>.
    /// </summary>
    internal sealed class KeyringCommandMessage : Message
    {
        /// <summary>Raw bytes of a key id on the wire (its hexadecimal form has twice as many characters).</summary>
        public const int KeyIdBytes = DsnNetworkKey.IdLength / 2;

        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v2 keyring");

        public KeyringCommandMessage(byte relayBudget, ulong commandId, string asker, long deadlineUnixMs, DsnKeyringOperation operation,
            string keyId, DsnNetworkKey? key, byte[] signature)
        {
            RelayBudget = relayBudget;
            CommandId = commandId;
            Asker = asker;
            DeadlineUnixMs = deadlineUnixMs;
            Operation = operation;
            KeyId = keyId;
            Key = key;
            Signature = signature;
        }

        /// <summary>How many more hops may hand it on (not signed: each relay lowers it).</summary>
        public byte RelayBudget { get; }

        public ulong CommandId { get; }

        public string Asker { get; }

        /// <summary>When the asker stops listening (unix ms): members neither apply nor relay the command after it.</summary>
        public long DeadlineUnixMs { get; }

        public DsnKeyringOperation Operation { get; }

        /// <summary>The key concerned (all zeros for <see cref="DsnKeyringOperation.List"/>).</summary>
        public string KeyId { get; }

        /// <summary>The key itself, for <see cref="DsnKeyringOperation.Install"/> only.</summary>
        public DsnNetworkKey? Key { get; }

        public byte[] Signature { get; }

        public override MessageType Type => MessageType.KeyringCommand;

        public static KeyringCommandMessage Create(IdentityKey asker, byte relayBudget, ulong commandId, string askerId, long deadlineUnixMs,
            DsnKeyringOperation operation, string keyId, DsnNetworkKey? key)
        {
            var unsigned = new KeyringCommandMessage(relayBudget, commandId, askerId, deadlineUnixMs, operation, keyId, key, new byte[0]);
            return new KeyringCommandMessage(relayBudget, commandId, askerId, deadlineUnixMs, operation, keyId, key, asker.Sign(unsigned.SignedContent()));
        }

        public bool IsSignedBy(SignatureVerifier verifier) => verifier.Verify(SignedContent(), Signature);

        /// <summary>The same command with a lower relay budget.</summary>
        public KeyringCommandMessage WithRelayBudget(byte relayBudget) =>
            new KeyringCommandMessage(relayBudget, CommandId, Asker, DeadlineUnixMs, Operation, KeyId, Key, Signature);

        public override void WriteBody(WireWriter writer)
        {
            writer.U8(RelayBudget);
            WriteSigned(writer);
            writer.Fixed(Signature);
        }

        public static KeyringCommandMessage Read(WireReader reader)
        {
            var relayBudget = reader.U8();
            var commandId = reader.U64();
            var asker = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
            var deadline = reader.I64();
            var operation = (DsnKeyringOperation)reader.U8();
            if (operation < DsnKeyringOperation.Install || operation > DsnKeyringOperation.List)
                throw new InvalidDataException($"keyring operation {(byte)operation} is unknown");
            var keyId = Hex.Encode(reader.Fixed(KeyIdBytes));
            var keyBytes = reader.Bytes(32);
            DsnNetworkKey? key = null;
            if (operation == DsnKeyringOperation.Install)
            {
                key = DsnNetworkKey.ParseOrExplain(Hex.Encode(keyBytes), out var problem) ?? throw new InvalidDataException("the key to install is not a network key: " + problem);
                if (key.Id != keyId)
                    throw new InvalidDataException("the key to install does not match its id");
            }
            else if (keyBytes.Length != 0)
            {
                throw new InvalidDataException("only an install carries a key");
            }

            var signature = reader.Fixed(IdentityKey.SignatureLength);
            return new KeyringCommandMessage(relayBudget, commandId, asker, deadline, operation, keyId, key, signature);
        }

        private void WriteSigned(WireWriter writer)
        {
            writer.U64(CommandId);
            writer.ShortString(Asker);
            writer.I64(DeadlineUnixMs);
            writer.U8((byte)Operation);
            writer.Fixed(KeyIdToBytes(KeyId));
            writer.Bytes(Key?.Bytes ?? new byte[0]);
        }

        private byte[] SignedContent()
        {
            var writer = new WireWriter(128);
            writer.Fixed(Label);
            WriteSigned(writer);
            return writer.ToArray();
        }

        internal static byte[] KeyIdToBytes(string keyId) =>
            Hex.TryDecode(keyId, out var bytes) && bytes.Length == KeyIdBytes ? bytes : new byte[KeyIdBytes];
    }

    /// <summary>One member's answer to a <see cref="KeyringCommandMessage"/>: what it did and the ids of the keys it holds now.</summary>
    internal sealed class KeyringReport
    {
        /// <summary>Longest explanation, in UTF-8 bytes.</summary>
        public const int MaxMessageBytes = 1024;

        public KeyringReport(DsnKeyringStatus status, string? message, IReadOnlyList<string> keyIds)
        {
            Status = status;
            Message = message;
            KeyIds = keyIds;
        }

        public DsnKeyringStatus Status { get; }

        /// <summary>Why it refused, or a warning; null when all went well.</summary>
        public string? Message { get; }

        /// <summary>The ids of the keys held after the operation, the primary first.</summary>
        public IReadOnlyList<string> KeyIds { get; }

        public byte[] Encode()
        {
            var writer = new WireWriter(32 + KeyIds.Count * KeyringCommandMessage.KeyIdBytes);
            writer.U8((byte)Status);
            writer.ShortString(Truncated(Message ?? string.Empty));
            writer.U8((byte)KeyIds.Count);
            foreach (var id in KeyIds)
                writer.Fixed(KeyringCommandMessage.KeyIdToBytes(id));
            return writer.ToArray();
        }

        /// <exception cref="InvalidDataException">Not a well-formed report.</exception>
        public static KeyringReport Decode(byte[] payload)
        {
            var reader = new WireReader(payload);
            var status = (DsnKeyringStatus)reader.U8();
            if (status < DsnKeyringStatus.Changed || status > DsnKeyringStatus.Refused)
                throw new InvalidDataException($"keyring status {(byte)status} is unknown");
            var message = reader.ShortString(MaxMessageBytes);
            var count = reader.U8();
            if (count > DsnNetworkKeyring.MaxKeys)
                throw new InvalidDataException($"a keyring report lists {count} keys; a ring holds at most {DsnNetworkKeyring.MaxKeys}");
            var ids = new List<string>(count);
            for (var i = 0; i < count; i++)
                ids.Add(Hex.Encode(reader.Fixed(KeyringCommandMessage.KeyIdBytes)));
            reader.End();
            return new KeyringReport(status, message.Length == 0 ? null : message, ids);
        }

        private static string Truncated(string text)
        {
            var limit = MaxMessageBytes / 4; // characters of up to 4 UTF-8 bytes always fit
            return text.Length <= limit ? text : text.Substring(0, limit);
        }
    }
}
