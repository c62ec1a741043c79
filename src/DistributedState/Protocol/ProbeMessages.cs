namespace DistributedState.Protocol
{
    /// <summary>
    /// The two halves of a failure-detector probe share one shape: the probe id, and a <see cref="Summary"/> of the
    /// sender's view that lets the peers notice cheaply that their views differ.
    /// </summary>
    internal abstract class ProbeMessage : Message
    {
        protected ProbeMessage(uint probeId, ulong summary)
        {
            ProbeId = probeId;
            Summary = summary;
        }

        public uint ProbeId { get; }

        public ulong Summary { get; }

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(ProbeId);
            writer.U64(Summary);
        }
    }

    /// <summary>A failure-detector probe.</summary>
    internal sealed class PingMessage : ProbeMessage
    {
        public PingMessage(uint probeId, ulong summary) : base(probeId, summary) { }

        public override MessageType Type => MessageType.Ping;

        public static PingMessage Read(WireReader reader) => new PingMessage(reader.U32(), reader.U64());
    }

    /// <summary>The answer to a ping, direct or relayed for an indirect probe.</summary>
    internal sealed class AckMessage : ProbeMessage
    {
        public AckMessage(uint probeId, ulong summary) : base(probeId, summary) { }

        public override MessageType Type => MessageType.Ack;

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
