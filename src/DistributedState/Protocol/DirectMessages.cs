namespace DistributedState.Protocol
{
    /// <summary>Application bytes for one node (Send-DsnData).</summary>
    internal sealed class DirectMessage : Message
    {
        public DirectMessage(ulong messageId, byte[] payload)
        {
            MessageId = messageId;
            Payload = payload;
        }

        public ulong MessageId { get; }

        public byte[] Payload { get; }

        public override MessageType Type => MessageType.Direct;

        public override void WriteBody(WireWriter writer)
        {
            writer.U64(MessageId);
            writer.Bytes(Payload);
        }

        public static DirectMessage Read(WireReader reader, ProtocolLimits limits) =>
            new DirectMessage(reader.U64(), reader.Bytes(limits.MaxMessageBytes));
    }

    /// <summary>Confirms that a <see cref="DirectMessage"/> was delivered to the application.</summary>
    internal sealed class DirectAckMessage : Message
    {
        public DirectAckMessage(ulong messageId) => MessageId = messageId;

        public ulong MessageId { get; }

        public override MessageType Type => MessageType.DirectAck;

        public override void WriteBody(WireWriter writer) => writer.U64(MessageId);

        public static DirectAckMessage Read(WireReader reader) => new DirectAckMessage(reader.U64());
    }
}
