using System.Text;
using DistributedState.Security;

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

    /// <summary>The answer to a ping: only the pinged member's, on its own authenticated session, completes a probe.</summary>
    internal sealed class AckMessage : ProbeMessage
    {
        public AckMessage(uint probeId, ulong summary) : base(probeId, summary) { }

        public override MessageType Type => MessageType.Ack;

        public static AckMessage Read(WireReader reader) => new AckMessage(reader.U32(), reader.U64());
    }

    /// <summary>
    /// Asks a peer to probe <see cref="Target"/> on the sender's behalf (SWIM's indirect probe): the helper sends the
    /// target an <see cref="IndirectPingMessage"/> and relays the target's signed <see cref="IndirectAckMessage"/>.
    /// </summary>
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

    /// <summary>
    /// A helper's ping on behalf of <see cref="Requester"/>: the target answers with an <see cref="IndirectAckMessage"/>
    /// whose proof only it can make, so a helper cannot vouch for a member that does not answer.
    /// </summary>
    internal sealed class IndirectPingMessage : Message
    {
        public IndirectPingMessage(uint probeId, string requester, uint requesterProbeId)
        {
            ProbeId = probeId;
            Requester = requester;
            RequesterProbeId = requesterProbeId;
        }

        /// <summary>The helper's probe id, for the target's answer.</summary>
        public uint ProbeId { get; }

        /// <summary>Who asked the helper.</summary>
        public string Requester { get; }

        /// <summary>The requester's probe id: the unpredictable nonce the target's proof signs.</summary>
        public uint RequesterProbeId { get; }

        public override MessageType Type => MessageType.IndirectPing;

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(ProbeId);
            writer.ShortString(Requester);
            writer.U32(RequesterProbeId);
        }

        public static IndirectPingMessage Read(WireReader reader) =>
            new IndirectPingMessage(reader.U32(), reader.ShortString(ProtocolLimits.MaxNodeIdBytes), reader.U32());
    }

    /// <summary>
    /// The target's answer to an <see cref="IndirectPingMessage"/> (with the helper's probe id), relayed by the helper
    /// to the requester (with the requester's). <see cref="Proof"/> is the target's signature over the requester, the
    /// target and the requester's probe id: the requester checks it against the target's key before it believes the
    /// target alive.
    /// </summary>
    internal sealed class IndirectAckMessage : Message
    {
        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v2 indirect ack");

        public IndirectAckMessage(uint probeId, byte[] proof)
        {
            ProbeId = probeId;
            Proof = proof;
        }

        public uint ProbeId { get; }

        public byte[] Proof { get; }

        public override MessageType Type => MessageType.IndirectAck;

        /// <summary>What the target signs: it answered <paramref name="requester"/>'s probe <paramref name="requesterProbeId"/>.</summary>
        public static byte[] ProvenContent(string requester, string target, uint requesterProbeId)
        {
            var writer = new WireWriter(160);
            writer.Fixed(Label);
            writer.ShortString(requester);
            writer.ShortString(target);
            writer.U32(requesterProbeId);
            return writer.ToArray();
        }

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(ProbeId);
            writer.Fixed(Proof);
        }

        public static IndirectAckMessage Read(WireReader reader) => new IndirectAckMessage(reader.U32(), reader.Fixed(IdentityKey.SignatureLength));
    }
}
