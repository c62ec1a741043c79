using System;
using System.Collections.Generic;
using System.Text;
using DistributedState.Security;

namespace DistributedState.Protocol
{
    /// <summary>
    /// A member's own statement that it is alive at an incarnation and reachable at an endpoint, signed with its
    /// identity key. Only the member can make one, so nobody can resurrect or impersonate it. It names the member's
    /// current <see cref="RunIdentity"/>, so that a node can tell its own earlier runs from another live process that
    /// holds its identity file.
    /// </summary>
    internal sealed class AliveRecord
    {
        // v2: the run identity joined the record (protocol version 2); a v1 signature never verifies as a v2 record.
        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v2 alive");
        private object? _verifiedBy;

        /// <summary>The fewest bytes an encoded record takes (both strings empty), for list counts.</summary>
        public const int MinEncodedBytes = 2 + IdentityKey.PublicKeyLength + 8 + 2 + 2 + 16 + IdentityKey.SignatureLength;

        public AliveRecord(string nodeId, byte[] publicKey, long incarnation, string host, int port, byte[] signature, RunIdentity run = default)
        {
            NodeId = nodeId;
            PublicKey = publicKey;
            Incarnation = incarnation;
            Host = host;
            Port = port;
            Run = run;
            Signature = signature;
        }

        public string NodeId { get; }

        public byte[] PublicKey { get; }

        public long Incarnation { get; }

        public string Host { get; }

        public int Port { get; }

        /// <summary>The run of the member that signed this record.</summary>
        public RunIdentity Run { get; }

        public byte[] Signature { get; }

        /// <summary>Signs a record of <paramref name="run"/> (a new run when omitted: tests, and peers that only need a valid record).</summary>
        public static AliveRecord Create(IdentityKey identity, string nodeId, long incarnation, string host, int port, RunIdentity? run = null)
        {
            var unsigned = new AliveRecord(nodeId, identity.PublicKey, incarnation, host, port, new byte[0], run ?? RunIdentity.StartingAt(DateTimeOffset.UtcNow));
            return new AliveRecord(nodeId, identity.PublicKey, incarnation, host, port, identity.Sign(unsigned.SignedContent()), unsigned.Run);
        }

        /// <summary>Checks the signature; once accepted by a key, asking again with that key costs nothing.</summary>
        public bool IsSignedBy(SignatureVerifier verifier) => verifier.VerifyOnce(ref _verifiedBy, SignedContent, Signature);

        public void Write(WireWriter writer)
        {
            WriteUnsigned(writer);
            writer.Fixed(Signature);
        }

        public static AliveRecord Read(WireReader reader)
        {
            var nodeId = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
            var publicKey = reader.Fixed(IdentityKey.PublicKeyLength);
            var incarnation = reader.I64();
            var host = reader.ShortString(ProtocolLimits.MaxHostBytes);
            var port = reader.U16();
            var run = new RunIdentity(reader.I64(), reader.U64());
            return new AliveRecord(nodeId, publicKey, incarnation, host, port, reader.Fixed(IdentityKey.SignatureLength), run);
        }

        private byte[] SignedContent()
        {
            var writer = new WireWriter(160);
            writer.Fixed(Label);
            WriteUnsigned(writer);
            return writer.ToArray();
        }

        private void WriteUnsigned(WireWriter writer)
        {
            writer.ShortString(NodeId);
            writer.Fixed(PublicKey);
            writer.I64(Incarnation);
            writer.ShortString(Host);
            writer.U16((ushort)Port);
            writer.I64(Run.StartedMs);
            writer.U64(Run.Id);
        }
    }

    /// <summary>A member's own signed statement that it is leaving at an incarnation.</summary>
    internal sealed class LeaveRecord
    {
        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v1 leave");
        private object? _verifiedBy;

        public LeaveRecord(string nodeId, long incarnation, byte[] signature)
        {
            NodeId = nodeId;
            Incarnation = incarnation;
            Signature = signature;
        }

        public string NodeId { get; }

        public long Incarnation { get; }

        public byte[] Signature { get; }

        public static LeaveRecord Create(IdentityKey identity, string nodeId, long incarnation)
        {
            var unsigned = new LeaveRecord(nodeId, incarnation, new byte[0]);
            return new LeaveRecord(nodeId, incarnation, identity.Sign(unsigned.SignedContent()));
        }

        /// <summary>Checks the signature; once accepted by a key, asking again with that key costs nothing.</summary>
        public bool IsSignedBy(SignatureVerifier verifier) => verifier.VerifyOnce(ref _verifiedBy, SignedContent, Signature);

        public void Write(WireWriter writer)
        {
            writer.ShortString(NodeId);
            writer.I64(Incarnation);
            writer.Fixed(Signature);
        }

        public static LeaveRecord Read(WireReader reader) => new LeaveRecord(
            reader.ShortString(ProtocolLimits.MaxNodeIdBytes), reader.I64(), reader.Fixed(IdentityKey.SignatureLength));

        private byte[] SignedContent()
        {
            var writer = new WireWriter(96);
            writer.Fixed(Label);
            writer.ShortString(NodeId);
            writer.I64(Incarnation);
            return writer.ToArray();
        }
    }

    /// <summary>What one member reports about another: suspected, or declared failed, at an incarnation.</summary>
    internal enum AccusationKind : byte
    {
        Suspect = 1,
        Failed = 2,
    }

    /// <summary>
    /// A SWIM suspicion or failure report, signed by its reporter: evidence of what that member observed, which anyone
    /// may relay but nobody can make in another member's name. The signature also covers the accused member's public
    /// key (not sent: every receiver that can apply the accusation knows it), so an accusation of one identity never
    /// applies to another identity under the same NodeId. The accused refutes it with a newer <see cref="AliveRecord"/>.
    /// </summary>
    internal sealed class Accusation
    {
        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v2 accusation");

        public Accusation(AccusationKind kind, string nodeId, long incarnation, string reporter, byte[] signature)
        {
            Kind = kind;
            NodeId = nodeId;
            Incarnation = incarnation;
            Reporter = reporter;
            Signature = signature;
        }

        public AccusationKind Kind { get; }

        public string NodeId { get; }

        public long Incarnation { get; }

        public string Reporter { get; }

        public byte[] Signature { get; }

        /// <summary>The reporter's accusation of the member with <paramref name="accusedPublicKey"/>, signed by the reporter.</summary>
        public static Accusation Create(IdentityKey reporterIdentity, string reporter, AccusationKind kind, string nodeId, byte[] accusedPublicKey, long incarnation)
        {
            var unsigned = new Accusation(kind, nodeId, incarnation, reporter, new byte[0]);
            return new Accusation(kind, nodeId, incarnation, reporter, reporterIdentity.Sign(unsigned.SignedContent(accusedPublicKey)));
        }

        /// <summary>Whether the reporter (its <paramref name="reporterVerifier"/>) signed this accusation of the member holding <paramref name="accusedPublicKey"/>.</summary>
        public bool IsSignedBy(SignatureVerifier reporterVerifier, byte[] accusedPublicKey) =>
            reporterVerifier.Verify(SignedContent(accusedPublicKey), Signature);

        public void Write(WireWriter writer)
        {
            WriteUnsigned(writer);
            writer.Fixed(Signature);
        }

        public static Accusation Read(WireReader reader)
        {
            var kind = reader.U8();
            if (kind != (byte)AccusationKind.Suspect && kind != (byte)AccusationKind.Failed)
                throw new System.IO.InvalidDataException($"Unknown accusation kind {kind}.");
            return new Accusation((AccusationKind)kind, reader.ShortString(ProtocolLimits.MaxNodeIdBytes), reader.I64(),
                reader.ShortString(ProtocolLimits.MaxNodeIdBytes), reader.Fixed(IdentityKey.SignatureLength));
        }

        private byte[] SignedContent(byte[] accusedPublicKey)
        {
            var writer = new WireWriter(192);
            writer.Fixed(Label);
            WriteUnsigned(writer);
            writer.Fixed(accusedPublicKey);
            return writer.ToArray();
        }

        private void WriteUnsigned(WireWriter writer)
        {
            writer.U8((byte)Kind);
            writer.ShortString(NodeId);
            writer.I64(Incarnation);
            writer.ShortString(Reporter);
        }
    }

    /// <summary>
    /// The operator's approval to move a NodeId to a new identity key: a statement naming the old and the new key,
    /// signed with the old one. Every node checks it against the key it holds bound to the NodeId, so only whoever
    /// holds the bound key can hand the NodeId on, and nobody can move it back without the new key.
    /// </summary>
    internal sealed class RebindRecord
    {
        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v2 rebind");

        public RebindRecord(string nodeId, byte[] oldPublicKey, byte[] newPublicKey, byte[] signature)
        {
            NodeId = nodeId;
            OldPublicKey = oldPublicKey;
            NewPublicKey = newPublicKey;
            Signature = signature;
        }

        public string NodeId { get; }

        public byte[] OldPublicKey { get; }

        public byte[] NewPublicKey { get; }

        /// <summary>By the old key.</summary>
        public byte[] Signature { get; }

        public static RebindRecord Create(IdentityKey oldIdentity, string nodeId, byte[] newPublicKey)
        {
            var unsigned = new RebindRecord(nodeId, oldIdentity.PublicKey, newPublicKey, new byte[0]);
            return new RebindRecord(nodeId, oldIdentity.PublicKey, newPublicKey, oldIdentity.Sign(unsigned.SignedContent()));
        }

        /// <summary>Whether the old key signed it.</summary>
        public bool IsSignedByOldKey()
        {
            using var verifier = SignatureVerifier.For(OldPublicKey);
            return verifier.Verify(SignedContent(), Signature);
        }

        public void Write(WireWriter writer)
        {
            WriteUnsigned(writer);
            writer.Fixed(Signature);
        }

        public static RebindRecord Read(WireReader reader) => new RebindRecord(
            reader.ShortString(ProtocolLimits.MaxNodeIdBytes),
            reader.Fixed(IdentityKey.PublicKeyLength),
            reader.Fixed(IdentityKey.PublicKeyLength),
            reader.Fixed(IdentityKey.SignatureLength));

        private byte[] SignedContent()
        {
            var writer = new WireWriter(224);
            writer.Fixed(Label);
            WriteUnsigned(writer);
            return writer.ToArray();
        }

        private void WriteUnsigned(WireWriter writer)
        {
            writer.ShortString(NodeId);
            writer.Fixed(OldPublicKey);
            writer.Fixed(NewPublicKey);
        }
    }

    /// <summary>
    /// Membership news: alive records, accusations and leaves, applied in that order, and the re-binds that let alive
    /// records under a new identity key replace the key their NodeId was bound to. A receiver that learns something
    /// from it forwards the news to a few peers while <see cref="RelayBudget"/> lasts.
    /// </summary>
    internal sealed class MembersMessage : Message
    {
        public MembersMessage(byte relayBudget, IReadOnlyList<AliveRecord> alive, IReadOnlyList<Accusation> accusations, IReadOnlyList<LeaveRecord> leaves,
            IReadOnlyList<RebindRecord>? rebinds = null)
        {
            RelayBudget = relayBudget;
            Alive = alive;
            Accusations = accusations;
            Leaves = leaves;
            Rebinds = rebinds ?? System.Array.Empty<RebindRecord>();
        }

        public byte RelayBudget { get; }

        public IReadOnlyList<AliveRecord> Alive { get; }

        public IReadOnlyList<Accusation> Accusations { get; }

        public IReadOnlyList<LeaveRecord> Leaves { get; }

        /// <summary>Re-binds for NodeIds among <see cref="Alive"/>.</summary>
        public IReadOnlyList<RebindRecord> Rebinds { get; }

        public override MessageType Type => MessageType.Members;

        public override void WriteBody(WireWriter writer)
        {
            writer.U8(RelayBudget);
            writer.U32((uint)Alive.Count);
            foreach (var record in Alive)
                record.Write(writer);
            writer.U32((uint)Accusations.Count);
            foreach (var accusation in Accusations)
                accusation.Write(writer);
            writer.U32((uint)Leaves.Count);
            foreach (var leave in Leaves)
                leave.Write(writer);
            writer.U32((uint)Rebinds.Count);
            foreach (var rebind in Rebinds)
                rebind.Write(writer);
        }

        public static MembersMessage Read(WireReader reader)
        {
            var budget = reader.U8();
            var alive = new List<AliveRecord>();
            for (var i = reader.Count(AliveRecord.MinEncodedBytes); i > 0; i--)
                alive.Add(AliveRecord.Read(reader));
            var accusations = new List<Accusation>();
            for (var i = reader.Count(77); i > 0; i--)
                accusations.Add(Accusation.Read(reader));
            var leaves = new List<LeaveRecord>();
            for (var i = reader.Count(74); i > 0; i--)
                leaves.Add(LeaveRecord.Read(reader));
            var rebinds = new List<RebindRecord>();
            for (var i = reader.Count(196); i > 0; i--)
                rebinds.Add(RebindRecord.Read(reader));
            return new MembersMessage(budget, alive, accusations, leaves, rebinds);
        }
    }
}
