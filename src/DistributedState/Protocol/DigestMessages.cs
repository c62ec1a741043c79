using System.Collections.Generic;

namespace DistributedState.Protocol
{
    /// <summary>What a node knows of one member: its incarnation and status rank (see <see cref="DigestMessage"/>).</summary>
    internal readonly struct MemberDigest
    {
        public MemberDigest(string nodeId, long incarnation, byte statusRank)
        {
            NodeId = nodeId;
            Incarnation = incarnation;
            StatusRank = statusRank;
        }

        public string NodeId { get; }

        public long Incarnation { get; }

        /// <summary>0 alive, 1 suspect, 2 failed, 3 left: at one incarnation a higher rank overrides a lower one.</summary>
        public byte StatusRank { get; }
    }

    /// <summary>What a node holds of one owner's state.</summary>
    internal readonly struct OwnerDigest
    {
        public OwnerDigest(string owner, long epoch, long version)
        {
            Owner = owner;
            Epoch = epoch;
            Version = version;
        }

        public string Owner { get; }

        public long Epoch { get; }

        public long Version { get; }
    }

    /// <summary>
    /// Anti-entropy: "this is what I hold". The receiver answers with every membership statement and batch the
    /// sender lacks, then <see cref="DigestDoneMessage"/>; with <see cref="ReplyWithDigest"/> it also sends its
    /// own digest so repair flows both ways. A joiner's first digest is how it learns the network.
    /// </summary>
    internal sealed class DigestMessage : Message
    {
        public DigestMessage(uint requestId, bool replyWithDigest, IReadOnlyList<MemberDigest> members, IReadOnlyList<OwnerDigest> owners)
        {
            RequestId = requestId;
            ReplyWithDigest = replyWithDigest;
            Members = members;
            Owners = owners;
        }

        public uint RequestId { get; }

        public bool ReplyWithDigest { get; }

        public IReadOnlyList<MemberDigest> Members { get; }

        public IReadOnlyList<OwnerDigest> Owners { get; }

        public override MessageType Type => MessageType.Digest;

        public override void WriteBody(WireWriter writer)
        {
            writer.U32(RequestId);
            writer.U8(ReplyWithDigest ? (byte)1 : (byte)0);
            writer.U32((uint)Members.Count);
            foreach (var member in Members)
            {
                writer.ShortString(member.NodeId);
                writer.I64(member.Incarnation);
                writer.U8(member.StatusRank);
            }

            writer.U32((uint)Owners.Count);
            foreach (var owner in Owners)
            {
                writer.ShortString(owner.Owner);
                writer.I64(owner.Epoch);
                writer.I64(owner.Version);
            }
        }

        public static DigestMessage Read(WireReader reader)
        {
            var requestId = reader.U32();
            var flags = reader.U8();
            if (flags > 1)
                throw new System.IO.InvalidDataException($"Unknown digest flags {flags}.");
            var members = new List<MemberDigest>();
            for (var i = reader.Count(11); i > 0; i--)
            {
                var id = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
                var incarnation = reader.I64();
                var rank = reader.U8();
                if (rank > 3)
                    throw new System.IO.InvalidDataException($"Unknown status rank {rank}.");
                members.Add(new MemberDigest(id, incarnation, rank));
            }

            var owners = new List<OwnerDigest>();
            for (var i = reader.Count(18); i > 0; i--)
                owners.Add(new OwnerDigest(reader.ShortString(ProtocolLimits.MaxNodeIdBytes), reader.I64(), reader.I64()));
            return new DigestMessage(requestId, flags == 1, members, owners);
        }
    }

    /// <summary>Ends the answer to a digest: everything before it on the connection has been sent.</summary>
    internal sealed class DigestDoneMessage : Message
    {
        public DigestDoneMessage(uint requestId) => RequestId = requestId;

        public uint RequestId { get; }

        public override MessageType Type => MessageType.DigestDone;

        public override void WriteBody(WireWriter writer) => writer.U32(RequestId);

        public static DigestDoneMessage Read(WireReader reader) => new DigestDoneMessage(reader.U32());
    }
}
