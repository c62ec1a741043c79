using System.IO;

namespace DistributedState.Protocol
{
    /// <summary>
    /// Turns messages into the plaintext of a frame and back: a version byte, a type byte, then the body.
    /// Decoding never trusts the input (see <see cref="WireReader"/>).
    /// </summary>
    internal static class MessageCodec
    {
        /// <summary>The protocol version this build speaks; a frame of another version is refused.</summary>
        public const byte Version = 2;

        public static byte[] Encode(Message message)
        {
            var writer = new WireWriter(64);
            writer.U8(Version);
            writer.U8((byte)message.Type);
            message.WriteBody(writer);
            return writer.ToArray();
        }

        /// <exception cref="InvalidDataException">The bytes are not a well-formed message of this version.</exception>
        public static Message Decode(byte[] buffer, int offset, int count, ProtocolLimits limits)
        {
            var reader = new WireReader(buffer, offset, count);
            var version = reader.U8();
            if (version != Version)
                throw new InvalidDataException($"Protocol version {version} is not supported (this node speaks {Version}).");
            var type = (MessageType)reader.U8();
            Message message = type switch
            {
                MessageType.Ping => PingMessage.Read(reader),
                MessageType.Ack => AckMessage.Read(reader),
                MessageType.PingRequest => PingRequestMessage.Read(reader),
                MessageType.Members => MembersMessage.Read(reader),
                MessageType.Push => PushMessage.Read(reader, limits),
                MessageType.Sync => SyncMessage.Read(reader, limits),
                MessageType.Digest => DigestMessage.Read(reader),
                MessageType.DigestDone => DigestDoneMessage.Read(reader),
                MessageType.Direct => DirectMessage.Read(reader, limits),
                MessageType.DirectAck => DirectAckMessage.Read(reader),
                MessageType.Shed => ShedMessage.Instance,
                MessageType.IndirectPing => IndirectPingMessage.Read(reader),
                MessageType.IndirectAck => IndirectAckMessage.Read(reader),
                MessageType.Query => QueryMessage.Read(reader, limits),
                MessageType.QueryResponse => QueryResponseMessage.Read(reader, limits),
                MessageType.KeyringCommand => KeyringCommandMessage.Read(reader),
                _ => throw new InvalidDataException($"Unknown message type {(byte)type}."),
            };
            reader.End();
            return message;
        }
    }
}
