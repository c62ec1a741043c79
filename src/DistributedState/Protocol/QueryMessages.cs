using System.Collections.Generic;
using System.Text;
using DistributedState.Security;

namespace DistributedState.Protocol
{
    /// <summary>
    /// A question to the fleet (Invoke-DsnQuery), signed by the asker so that nobody relaying it can change it or ask
    /// in another member's name. Handed on like membership news, while its relay budget lasts; each member answers at
    /// most once, directly to the asker.
    /// </summary>
    internal sealed class QueryMessage : Message
    {
        /// <summary>Longest query name, in UTF-8 bytes.</summary>
        public const int MaxNameBytes = 128;

        /// <summary>Most members one query may name.</summary>
        public const int MaxTargets = 10_000;

        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v1 query");

        public QueryMessage(byte relayBudget, ulong queryId, string asker, long deadlineUnixMs, string name, IReadOnlyList<string> targets, byte[] payload, byte[] signature)
        {
            RelayBudget = relayBudget;
            QueryId = queryId;
            Asker = asker;
            DeadlineUnixMs = deadlineUnixMs;
            Name = name;
            Targets = targets;
            Payload = payload;
            Signature = signature;
        }

        /// <summary>How many more hops may hand it on (not signed: each relay lowers it).</summary>
        public byte RelayBudget { get; }

        public ulong QueryId { get; }

        public string Asker { get; }

        /// <summary>When the asker stops listening (unix ms): members do not answer, or relay, after it.</summary>
        public long DeadlineUnixMs { get; }

        public string Name { get; }

        /// <summary>The members asked; empty: every member.</summary>
        public IReadOnlyList<string> Targets { get; }

        public byte[] Payload { get; }

        public byte[] Signature { get; }

        public override MessageType Type => MessageType.Query;

        public static QueryMessage Create(IdentityKey asker, byte relayBudget, ulong queryId, string askerId, long deadlineUnixMs, string name, IReadOnlyList<string> targets, byte[] payload)
        {
            var unsigned = new QueryMessage(relayBudget, queryId, askerId, deadlineUnixMs, name, targets, payload, new byte[0]);
            return new QueryMessage(relayBudget, queryId, askerId, deadlineUnixMs, name, targets, payload, asker.Sign(unsigned.SignedContent()));
        }

        public bool IsSignedBy(SignatureVerifier verifier) => verifier.Verify(SignedContent(), Signature);

        /// <summary>The same query with a lower relay budget.</summary>
        public QueryMessage WithRelayBudget(byte relayBudget) =>
            new QueryMessage(relayBudget, QueryId, Asker, DeadlineUnixMs, Name, Targets, Payload, Signature);

        public override void WriteBody(WireWriter writer)
        {
            writer.U8(RelayBudget);
            WriteSigned(writer);
            writer.Fixed(Signature);
        }

        public static QueryMessage Read(WireReader reader, ProtocolLimits limits)
        {
            var relayBudget = reader.U8();
            var queryId = reader.U64();
            var asker = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
            var deadline = reader.I64();
            var name = reader.ShortString(MaxNameBytes);
            var count = reader.Count(1);
            if (count > MaxTargets)
                throw new System.IO.InvalidDataException($"a query names {count} members; at most {MaxTargets} are allowed");
            var targets = new List<string>(count);
            for (var i = 0; i < count; i++)
                targets.Add(reader.ShortString(ProtocolLimits.MaxNodeIdBytes));
            var payload = reader.Bytes(limits.MaxMessageBytes);
            var signature = reader.Fixed(IdentityKey.SignatureLength);
            return new QueryMessage(relayBudget, queryId, asker, deadline, name, targets, payload, signature);
        }

        private void WriteSigned(WireWriter writer)
        {
            writer.U64(QueryId);
            writer.ShortString(Asker);
            writer.I64(DeadlineUnixMs);
            writer.ShortString(Name);
            writer.U32((uint)Targets.Count);
            foreach (var target in Targets)
                writer.ShortString(target);
            writer.Bytes(Payload);
        }

        private byte[] SignedContent()
        {
            var writer = new WireWriter(64 + Payload.Length);
            writer.Fixed(Label);
            WriteSigned(writer);
            return writer.ToArray();
        }
    }

    /// <summary>One member's answer to a <see cref="QueryMessage"/>, sent directly to the asker on an authenticated session.</summary>
    internal sealed class QueryResponseMessage : Message
    {
        public QueryResponseMessage(ulong queryId, byte[] payload)
        {
            QueryId = queryId;
            Payload = payload;
        }

        public ulong QueryId { get; }

        public byte[] Payload { get; }

        public override MessageType Type => MessageType.QueryResponse;

        public override void WriteBody(WireWriter writer)
        {
            writer.U64(QueryId);
            writer.Bytes(Payload);
        }

        public static QueryResponseMessage Read(WireReader reader, ProtocolLimits limits) =>
            new QueryResponseMessage(reader.U64(), reader.Bytes(limits.MaxMessageBytes));
    }
}
