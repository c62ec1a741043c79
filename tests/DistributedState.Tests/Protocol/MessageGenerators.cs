using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DistributedState.Protocol;
using DistributedState.Security;
using FsCheck;
using FsCheck.Fluent;

namespace DistributedState.Tests.Protocol
{
    /// <summary>FsCheck generators of every valid protocol message, within the limits the decoder enforces.</summary>
    internal static class MessageGenerators
    {
        /// <summary>Small limits so generated values reach and touch them.</summary>
        public static readonly ProtocolLimits Limits = new ProtocolLimits(maxValueBytes: 2048, maxMessageBytes: 3000);

        /// <summary>Signs every generated batch; signatures are checked after decoding.</summary>
        public static readonly IdentityKey Signer = IdentityKey.Create();

        private static readonly string[] Pieces = { "a", "Z", "0", "-", ".", "_", " ", "é", "ß", "中", "😀", "\u0001", "\u007f", "key", "\u00a0", "\uffff" };

        public static Gen<uint> U32 => Gen.Frequency(
            (1, Gen.Elements(0u, 1u, uint.MaxValue, (uint)int.MaxValue)),
            (4, Gen.Choose(int.MinValue, int.MaxValue).Select(i => unchecked((uint)i))));

        public static Gen<ulong> U64 => Gen.Frequency(
            (1, Gen.Elements(0UL, 1UL, ulong.MaxValue, (ulong)long.MaxValue)),
            (4, Gen.Zip(U32, U32, (hi, lo) => ((ulong)hi << 32) | lo)));

        public static Gen<long> I64 => U64.Select(u => unchecked((long)u));

        public static Gen<byte> U8 => Gen.Choose(0, 255).Select(i => (byte)i);

        /// <summary>Any Unicode text of at most <paramref name="maxBytes"/> UTF-8 bytes (empty included).</summary>
        public static Gen<string> Text(int maxBytes, int minBytes = 0) =>
            from count in Gen.Frequency((6, Gen.Choose(0, 12)), (1, Gen.Choose(0, Math.Max(0, maxBytes))))
            from pieces in Gen.ArrayOf(Gen.Elements(Pieces), count)
            from filler in Gen.Elements('x', 'y', '7')
            select Fit(pieces, maxBytes, minBytes, filler);

        private static string Fit(string[] pieces, int maxBytes, int minBytes, char filler)
        {
            var builder = new StringBuilder();
            var bytes = 0;
            foreach (var piece in pieces)
            {
                var size = Encoding.UTF8.GetByteCount(piece);
                if (bytes + size > maxBytes)
                    break;
                builder.Append(piece);
                bytes += size;
            }

            while (bytes < minBytes)
            {
                builder.Append(filler);
                bytes++;
            }

            return builder.ToString();
        }

        public static Gen<byte[]> Bytes(int maxLength) =>
            from length in Gen.Frequency((6, Gen.Choose(0, 16)), (1, Gen.Choose(0, maxLength)), (1, Gen.Constant(maxLength)))
            from seed in Gen.Choose(0, int.MaxValue)
            select RandomBytes(length, seed);

        public static byte[] RandomBytes(int length, int seed)
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        public static Gen<string> NodeId => Text(ProtocolLimits.MaxNodeIdBytes);

        private static Gen<IReadOnlyList<T>> ListOf<T>(Gen<T> element, int max) =>
            from count in Gen.Frequency((4, Gen.Choose(0, 3)), (1, Gen.Choose(0, max)))
            from items in Gen.ArrayOf(element, count)
            select (IReadOnlyList<T>)items;

        public static Gen<AliveRecord> Alive =>
            from id in NodeId
            from key in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.PublicKeyLength, seed))
            from incarnation in I64
            from host in Text(ProtocolLimits.MaxHostBytes)
            from port in Gen.Choose(0, 65535)
            from runStarted in I64
            from runId in U64
            from signature in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed))
            select new AliveRecord(id, key, incarnation, host, port, signature, new RunIdentity(runStarted, runId));

        public static Gen<Accusation> Accusation =>
            from kind in Gen.Elements(AccusationKind.Suspect, AccusationKind.Failed)
            from id in NodeId
            from incarnation in I64
            from reporter in NodeId
            from signature in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed))
            select new Accusation(kind, id, incarnation, reporter, signature);

        public static Gen<RebindRecord> Rebind =>
            from id in NodeId
            from keys in Gen.Choose(0, int.MaxValue).Select(seed => (RandomBytes(IdentityKey.PublicKeyLength, seed), RandomBytes(IdentityKey.PublicKeyLength, seed ^ 0x5555)))
            from signature in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed))
            select new RebindRecord(id, keys.Item1, keys.Item2, signature);

        public static Gen<LeaveRecord> Leave =>
            from id in NodeId
            from incarnation in I64
            from signature in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed))
            select new LeaveRecord(id, incarnation, signature);

        public static Gen<BatchEntry> Entry(long baseVersion, long version) =>
            from key in Text(ProtocolLimits.MaxKeyBytes)
            from offset in Gen.Choose(1, (int)Math.Min(int.MaxValue, version - baseVersion))
            from value in Gen.Frequency((1, Gen.Constant<string?>(null)), (4, Text(Limits.MaxValueBytes).Select(v => (string?)v)))
            from lease in Gen.Frequency((2, Gen.Constant(0u)), (1, Gen.Choose(1, int.MaxValue).Select(n => (uint)n % BatchEntry.MaxLeaseMs + 1)))
            from lapsed in Gen.Elements(false, true)
            select new BatchEntry(key, baseVersion + offset, value, lease, lapsed);

        /// <summary>A commitment to a few live entries (any count: the codec does not check what it commits to).</summary>
        public static Gen<StateCommitment> Commitment =>
            from live in ListOf(Gen.Zip(Text(64), I64, (key, version) => (key, version)), 3)
            select live.Aggregate(StateCommitment.Empty, (c, e) => c.With(e.key, e.version));

        /// <summary>A batch as SignedBatch.Read accepts it: base and epoch at most version, entries inside (base, version].</summary>
        public static Gen<SignedBatch> Batch(Gen<string> owners) =>
            from owner in owners
            from start in I64
            from span in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 50)), (1, Gen.Constant(int.MaxValue)))
            from epochBack in Gen.Frequency((2, Gen.Constant(0L)), (2, Gen.Choose(0, 100).Select(i => (long)i)), (1, I64.Select(l => l == long.MinValue ? 0 : Math.Abs(l))))
            let baseVersion = start > long.MaxValue - span ? long.MaxValue - span : start
            let version = baseVersion + span
            let epoch = version < 0 && epochBack > version - long.MinValue ? long.MinValue : version - epochBack
            from entries in span == 0 ? Gen.Constant((IReadOnlyList<BatchEntry>)Array.Empty<BatchEntry>()) : ListOf(Entry(baseVersion, version), 6)
            from commitment in Commitment
            select SignedBatch.Create(Signer, owner, epoch, baseVersion, version, entries, commitment);

        public static Gen<MemberDigest> MemberDigest =>
            from id in NodeId
            from incarnation in I64
            from rank in Gen.Choose(0, 3)
            select new MemberDigest(id, incarnation, (byte)rank);

        public static Gen<OwnerDigest> OwnerDigest =>
            from id in NodeId
            from epoch in I64
            from version in I64
            select new OwnerDigest(id, epoch, version);

        public static Gen<Message> Ping => Gen.Zip(U32, U64, (p, s) => (Message)new PingMessage(p, s));

        public static Gen<Message> Ack => Gen.Zip(U32, U64, (p, s) => (Message)new AckMessage(p, s));

        public static Gen<Message> PingRequest => Gen.Zip(U32, NodeId, (p, t) => (Message)new PingRequestMessage(p, t));

        public static Gen<Message> IndirectPing =>
            from probe in U32
            from requester in NodeId
            from requesterProbe in U32
            select (Message)new IndirectPingMessage(probe, requester, requesterProbe);

        public static Gen<Message> IndirectAck =>
            Gen.Zip(U32, Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed)), (p, proof) => (Message)new IndirectAckMessage(p, proof));

        public static Gen<Message> Members =>
            from budget in U8
            from alive in ListOf(Alive, 12)
            from accusations in ListOf(Accusation, 12)
            from leaves in ListOf(Leave, 12)
            from rebinds in ListOf(Rebind, 4)
            select (Message)new MembersMessage(budget, alive, accusations, leaves, rebinds);

        public static Gen<Message> Push =>
            from budget in U8
            from batches in ListOf(Batch(NodeId), 4)
            select (Message)new PushMessage(budget, batches);

        public static Gen<Message> Sync =>
            from owner in NodeId
            from from_ in I64
            from batches in ListOf(Batch(Gen.Constant(owner)), 4)
            from more in Gen.Elements(true, false)
            select (Message)new SyncMessage(owner, from_, batches, more);

        public static Gen<Message> Digest =>
            from request in U32
            from reply in Gen.Elements(true, false)
            from members in ListOf(MemberDigest, 40)
            from owners in ListOf(OwnerDigest, 40)
            select (Message)new DigestMessage(request, reply, members, owners);

        public static Gen<Message> DigestDone => U32.Select(r => (Message)new DigestDoneMessage(r));

        public static Gen<Message> Direct => Gen.Zip(U64, Bytes(Limits.MaxMessageBytes), (id, payload) => (Message)new DirectMessage(id, payload));

        public static Gen<Message> DirectAck => U64.Select(id => (Message)new DirectAckMessage(id));

        public static Gen<Message> Query =>
            from budget in U8
            from id in U64
            from asker in NodeId
            from deadline in I64
            from name in Text(QueryMessage.MaxNameBytes)
            from targets in ListOf(NodeId, 40)
            from payload in Bytes(Limits.MaxMessageBytes)
            from signature in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed))
            select (Message)new QueryMessage(budget, id, asker, deadline, name, targets, payload, signature);

        public static Gen<Message> QueryResponse => Gen.Zip(U64, Bytes(Limits.MaxMessageBytes), (id, payload) => (Message)new QueryResponseMessage(id, payload));

        public static Gen<Message> KeyringCommand =>
            from budget in U8
            from id in U64
            from asker in NodeId
            from deadline in I64
            from operation in Gen.Elements(DsnKeyringOperation.Install, DsnKeyringOperation.Use, DsnKeyringOperation.Remove, DsnKeyringOperation.List)
            from bits in Gen.Elements(128, 256)
            from keyIdSeed in Gen.Choose(0, int.MaxValue)
            from signature in Gen.Choose(0, int.MaxValue).Select(seed => RandomBytes(IdentityKey.SignatureLength, seed))
            let key = operation == DsnKeyringOperation.Install ? DsnNetworkKey.Generate(bits) : null
            let keyId = key?.Id ?? DistributedState.Internal.Hex.Encode(RandomBytes(KeyringCommandMessage.KeyIdBytes, keyIdSeed))
            select (Message)new KeyringCommandMessage(budget, id, asker, deadline, operation, keyId, key, signature);

        public static IReadOnlyDictionary<MessageType, Gen<Message>> ByType { get; } = new Dictionary<MessageType, Gen<Message>>
        {
            [MessageType.Ping] = Ping,
            [MessageType.Ack] = Ack,
            [MessageType.PingRequest] = PingRequest,
            [MessageType.Members] = Members,
            [MessageType.Push] = Push,
            [MessageType.Sync] = Sync,
            [MessageType.Digest] = Digest,
            [MessageType.DigestDone] = DigestDone,
            [MessageType.Direct] = Direct,
            [MessageType.DirectAck] = DirectAck,
            [MessageType.Shed] = Gen.Constant((Message)ShedMessage.Instance),
            [MessageType.IndirectPing] = IndirectPing,
            [MessageType.IndirectAck] = IndirectAck,
            [MessageType.Query] = Query,
            [MessageType.QueryResponse] = QueryResponse,
            [MessageType.KeyringCommand] = KeyringCommand,
        };

        /// <summary>Any message, every type equally likely.</summary>
        public static Gen<Message> Any => Gen.OneOf(ByType.Values.ToArray());
    }
}
