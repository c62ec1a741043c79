using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using DistributedState.Security;

namespace DistributedState.Protocol
{
    /// <summary>
    /// One key of a batch: a value, or a removal (tombstone) when <see cref="Value"/> is null. A value may carry a lease
    /// (<see cref="LeaseMs"/>): it lives that long after the owner wrote it (the time in <see cref="Version"/>), and every
    /// holder drops it when the lease passes (State/LeaseRule.cs). A removal may say that it ends a lease
    /// (<see cref="Lapsed"/>): the owner's own record that the value expired, so holders report it as an expiry.
    /// </summary>
    internal sealed class BatchEntry
    {
        /// <summary>The longest lease: 30 days in milliseconds (it fits the wire's u32).</summary>
        public const uint MaxLeaseMs = 30u * 24 * 60 * 60 * 1000;

        public BatchEntry(string key, long version, string? value, uint leaseMs = 0, bool lapsed = false)
        {
            Key = key;
            Version = version;
            Value = value;
            LeaseMs = value is null ? 0 : leaseMs;
            Lapsed = value is null && lapsed;
        }

        public string Key { get; }

        public long Version { get; }

        public string? Value { get; }

        /// <summary>Milliseconds the value lives after the owner wrote it; 0: no lease (always 0 for a removal).</summary>
        public uint LeaseMs { get; }

        /// <summary>A removal written because the value's lease passed (always false for a value).</summary>
        public bool Lapsed { get; }
    }

    /// <summary>
    /// The unit of state dissemination: writes of one owner, signed by the owner, so any member may relay it and
    /// nobody can forge it. Batches of an owner form a chain: a batch applies on top of <see cref="BaseVersion"/>
    /// and brings the holder to <see cref="Version"/>. <see cref="Epoch"/> is the version at which the owner's
    /// current run began; a batch of a newer epoch voids everything the owner wrote before it. <see cref="Commitment"/>
    /// is the owner's whole live state after the batch, so a holder can check that what it applied adds up to it.
    /// </summary>
    internal sealed class SignedBatch
    {
        private static readonly byte[] Label = Encoding.ASCII.GetBytes("dsn/v3 batch");

        // An entry's flag: what follows the key and version.
        private const byte RemovedFlag = 0;
        private const byte ValueFlag = 1;
        private const byte LeasedValueFlag = 2; // u32 lease_ms, then the value
        private const byte LapsedFlag = 3; // a removal because the lease passed

        private SignedBatch(string owner, long epoch, long baseVersion, long version, IReadOnlyList<BatchEntry> entries, StateCommitment commitment, byte[] encoded)
        {
            Owner = owner;
            Epoch = epoch;
            BaseVersion = baseVersion;
            Version = version;
            Entries = entries;
            Commitment = commitment;
            Encoded = encoded;
        }

        public string Owner { get; }

        public long Epoch { get; }

        public long BaseVersion { get; }

        public long Version { get; }

        public IReadOnlyList<BatchEntry> Entries { get; }

        /// <summary>The owner's live state after this batch: what a holder's copy must add up to once it holds the batch.</summary>
        public StateCommitment Commitment { get; }

        /// <summary>The batch exactly as signed and sent, relayed without re-encoding.</summary>
        public byte[] Encoded { get; }

        /// <summary>Bytes of keys and values, for state-size accounting.</summary>
        public int Size => Encoded.Length;

        public static SignedBatch Create(IdentityKey identity, string owner, long epoch, long baseVersion, long version, IReadOnlyList<BatchEntry> entries,
            StateCommitment commitment)
        {
            var writer = new WireWriter(256);
            writer.Fixed(Label);
            writer.ShortString(owner);
            writer.I64(epoch);
            writer.I64(baseVersion);
            writer.I64(version);
            writer.U32((uint)entries.Count);
            foreach (var entry in entries)
            {
                writer.ShortString(entry.Key);
                writer.I64(entry.Version);
                if (entry.Value is null)
                {
                    writer.U8(entry.Lapsed ? LapsedFlag : RemovedFlag);
                }
                else if (entry.LeaseMs == 0)
                {
                    writer.U8(ValueFlag);
                    writer.LongString(entry.Value);
                }
                else
                {
                    writer.U8(LeasedValueFlag);
                    writer.U32(entry.LeaseMs);
                    writer.LongString(entry.Value);
                }
            }

            commitment.Write(writer);
            var signature = identity.Sign(writer.Buffer, 0, writer.Length);
            writer.Fixed(signature);
            var encoded = new byte[writer.Length - Label.Length];
            Buffer.BlockCopy(writer.Buffer, Label.Length, encoded, 0, encoded.Length);
            return new SignedBatch(owner, epoch, baseVersion, version, entries, commitment, encoded);
        }

        /// <summary>
        /// Checks the owner's signature, hashing the batch in place rather than copying it (values reach 1 MiB). With a
        /// <paramref name="cache"/>, a batch verified before (another copy of it) costs only the hash.
        /// </summary>
        public bool IsSignedBy(SignatureVerifier verifier, SignatureCache? cache = null)
        {
            byte[] hash;
            using (var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
            {
                sha.AppendData(Label);
                sha.AppendData(Encoded, 0, Encoded.Length - IdentityKey.SignatureLength);
                hash = sha.GetHashAndReset();
            }

            var signature = new byte[IdentityKey.SignatureLength];
            Buffer.BlockCopy(Encoded, Encoded.Length - signature.Length, signature, 0, signature.Length);
            return cache is null ? verifier.VerifyHash(hash, signature) : cache.VerifyHash(verifier, hash, signature);
        }

        public void Write(WireWriter writer) => writer.Fixed(Encoded);

        public static SignedBatch Read(WireReader reader, ProtocolLimits limits)
        {
            var start = reader.Position;
            var owner = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
            var epoch = reader.I64();
            var baseVersion = reader.I64();
            var version = reader.I64();
            if (baseVersion > version || epoch > version)
                throw new InvalidDataException("A batch's versions are out of order.");
            var entries = new List<BatchEntry>();
            for (var i = reader.Count(11); i > 0; i--)
            {
                var key = reader.ShortString(ProtocolLimits.MaxKeyBytes);
                var entryVersion = reader.I64();
                if (entryVersion <= baseVersion || entryVersion > version)
                    throw new InvalidDataException("A batch entry's version lies outside the batch.");
                var flag = reader.U8();
                entries.Add(flag switch
                {
                    RemovedFlag => new BatchEntry(key, entryVersion, null),
                    LapsedFlag => new BatchEntry(key, entryVersion, null, lapsed: true),
                    ValueFlag => new BatchEntry(key, entryVersion, reader.LongString(limits.MaxValueBytes)),
                    LeasedValueFlag => new BatchEntry(key, entryVersion, ReadLeased(reader, limits, out var lease), lease),
                    _ => throw new InvalidDataException($"Unknown entry flag {flag}."),
                });
            }

            var commitment = StateCommitment.Read(reader);
            reader.Fixed(IdentityKey.SignatureLength);
            var encoded = new byte[reader.Position - start];
            Buffer.BlockCopy(reader.Source, start, encoded, 0, encoded.Length);
            return new SignedBatch(owner, epoch, baseVersion, version, entries, commitment, encoded);
        }

        /// <summary>A leased value: the lease (1 ms to <see cref="BatchEntry.MaxLeaseMs"/>), then the value.</summary>
        private static string ReadLeased(WireReader reader, ProtocolLimits limits, out uint leaseMs)
        {
            leaseMs = reader.U32();
            if (leaseMs == 0 || leaseMs > BatchEntry.MaxLeaseMs)
                throw new InvalidDataException($"A lease of {leaseMs} ms lies outside 1 ms to 30 days.");
            return reader.LongString(limits.MaxValueBytes);
        }
    }

    /// <summary>
    /// Batches pushed as they are written. A receiver that applies one forwards it to a few peers while
    /// <see cref="RelayBudget"/> lasts (the owner sets it to zero when it reached every member directly).
    /// </summary>
    internal sealed class PushMessage : Message
    {
        public PushMessage(byte relayBudget, IReadOnlyList<SignedBatch> batches)
        {
            RelayBudget = relayBudget;
            Batches = batches;
        }

        public byte RelayBudget { get; }

        public IReadOnlyList<SignedBatch> Batches { get; }

        public override MessageType Type => MessageType.Push;

        public override void WriteBody(WireWriter writer)
        {
            writer.U8(RelayBudget);
            writer.U32((uint)Batches.Count);
            foreach (var batch in Batches)
                batch.Write(writer);
        }

        public static PushMessage Read(WireReader reader, ProtocolLimits limits)
        {
            var budget = reader.U8();
            var batches = new List<SignedBatch>();
            for (var i = reader.Count(94 + StateCommitment.Length); i > 0; i--)
                batches.Add(SignedBatch.Read(reader, limits));
            return new PushMessage(budget, batches);
        }
    }

    /// <summary>
    /// An anti-entropy answer: every batch of one owner the receiver lacks, given that it holds the owner's
    /// state up to <see cref="FromVersion"/> (or nothing, or an older epoch), oldest first. Unlike a push, the set need
    /// not be a contiguous chain: superseded batches were compacted away. The receiver does not take the sender's word
    /// for completeness: the newest batch's <see cref="SignedBatch.Commitment"/> says what the copy must add up to.
    /// An answer too large for one frame is split over several messages, all but the last with <see cref="MoreFollow"/>.
    /// </summary>
    internal sealed class SyncMessage : Message
    {
        public SyncMessage(string owner, long fromVersion, IReadOnlyList<SignedBatch> batches, bool moreFollow = false)
        {
            Owner = owner;
            FromVersion = fromVersion;
            Batches = batches;
            MoreFollow = moreFollow;
        }

        public string Owner { get; }

        public long FromVersion { get; }

        public IReadOnlyList<SignedBatch> Batches { get; }

        /// <summary>True when further messages of the same answer follow on this connection.</summary>
        public bool MoreFollow { get; }

        public override MessageType Type => MessageType.Sync;

        public override void WriteBody(WireWriter writer)
        {
            writer.ShortString(Owner);
            writer.I64(FromVersion);
            writer.U8(MoreFollow ? (byte)1 : (byte)0);
            writer.U32((uint)Batches.Count);
            foreach (var batch in Batches)
                batch.Write(writer);
        }

        public static SyncMessage Read(WireReader reader, ProtocolLimits limits)
        {
            var owner = reader.ShortString(ProtocolLimits.MaxNodeIdBytes);
            var from = reader.I64();
            var flags = reader.U8();
            if (flags > 1)
                throw new InvalidDataException($"Unknown sync flags {flags}.");
            var batches = new List<SignedBatch>();
            for (var i = reader.Count(94 + StateCommitment.Length); i > 0; i--)
            {
                var batch = SignedBatch.Read(reader, limits);
                if (batch.Owner != owner)
                    throw new InvalidDataException("A sync message mixes owners.");
                batches.Add(batch);
            }

            return new SyncMessage(owner, from, batches, flags == 1);
        }
    }
}
