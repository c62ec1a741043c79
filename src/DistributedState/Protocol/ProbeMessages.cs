namespace DistributedState.Protocol
{
    /// <summary>A failure-detector probe. <see cref="Summary"/> lets the peers notice that their views differ.</summary>
    internal sealed class PingMessage : Message
    {
        public PingMessage(uint probeId, ulong summary)
        {
            ProbeId = probeId;
            Summary = summary;
        }

        public uint ProbeId { get; }

        public ulong Summary { get; }

        public override MessageType Type => MessageType.Ping;

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(ProbeId);
            writer.U64(Summary);
        }

        public static PingMessage Read(WireReader reader) => new PingMessage(reader.U32(), reader.U64());
    }

    /// <summary>The answer to a ping, direct or relayed for an indirect probe.</summary>
    internal sealed class AckMessage : Message
    {
        public AckMessage(uint probeId, ulong summary)
        {
            ProbeId = probeId;
            Summary = summary;
        }

        public uint ProbeId { get; }

        public ulong Summary { get; }

        public override MessageType Type => MessageType.Ack;

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(ProbeId);
            writer.U64(Summary);
        }

        public static AckMessage Read(WireReader reader) => new AckMessage(reader.U32(), reader.U64());
    }

    /// <summary>Asks a peer to probe <see cref="Target"/> and relay its ack (SWIM's indirect probe).</summary>
    internal sealed class PingRequestMessage : Message
    {
        public PingRequestMessage(uint probeId, string target)
        {
            ProbeId = probeId;
            Target = target;
        }

        public uint ProbeId { get; }

        public string Target { get; }

        public override MessageType Type => MessageType.PingRequest;

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(ProbeId);
            writer.ShortString(Target);
        }

        public static PingRequestMessage Read(WireReader reader) =>
            new PingRequestMessage(reader.U32(), reader.ShortString(ProtocolLimits.MaxNodeIdBytes));
    }
}
