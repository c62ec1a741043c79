using System;
using System.Collections.Generic;

namespace DistributedState
{
    /// <summary>One member's answer to a keyring operation: what it did and which keys it holds now (by id, never the key).</summary>
    public sealed class DsnKeyringResult
    {
        internal DsnKeyringResult(string nodeId, DsnKeyringOperation operation, DsnKeyringStatus status, string? error,
            IReadOnlyList<string> keyIds, TimeSpan latency)
        {
            NodeId = nodeId;
            Operation = operation;
            Status = status;
            Error = error;
            KeyIds = keyIds;
            Latency = latency;
        }

        /// <summary>The member that answered (its session authenticated it).</summary>
        public string NodeId { get; }

        /// <summary>The operation asked for.</summary>
        public DsnKeyringOperation Operation { get; }

        /// <summary>What the member did.</summary>
        public DsnKeyringStatus Status { get; }

        /// <summary>True when the member's ring is now as asked (<see cref="DsnKeyringStatus.Changed"/> or <see cref="DsnKeyringStatus.Unchanged"/>).</summary>
        public bool Succeeded => Status == DsnKeyringStatus.Changed || Status == DsnKeyringStatus.Unchanged;

        /// <summary>Why the member refused or did not answer; also a warning such as a key file it could not write. Null when all went well.</summary>
        public string? Error { get; }

        /// <summary>The <see cref="DsnNetworkKey.Id"/> of the member's primary key after the operation; null without an answer.</summary>
        public string? PrimaryKeyId => KeyIds.Count > 0 ? KeyIds[0] : null;

        /// <summary>The ids of every key the member holds after the operation, the primary first; empty without an answer.</summary>
        public IReadOnlyList<string> KeyIds { get; }

        /// <summary>From sending the command to receiving this answer (the timeout for <see cref="DsnKeyringStatus.NoAnswer"/>).</summary>
        public TimeSpan Latency { get; }

        /// <inheritdoc />
        public override string ToString() => $"{NodeId}: {Operation} {Status}" + (Error is null ? string.Empty : " — " + Error);
    }
}
