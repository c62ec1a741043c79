using System;

namespace DistributedState
{
    /// <summary>
    /// One key of one member's state, with its version, its lease, how old it is, the owner's status and when this node
    /// last heard from the owner: enough to tell a fresh reading from one a dead task wrote hours ago.
    /// </summary>
    public sealed class DsnDataEntry
    {
        internal DsnDataEntry(string nodeId, string key, string value, long version, DsnPeerStatus status, DateTimeOffset lastChange,
            TimeSpan age, TimeSpan? timeToLive, DateTimeOffset? expiresAt, DateTimeOffset? lastHeard)
        {
            NodeId = nodeId;
            Key = key;
            Value = value;
            Version = version;
            Status = status;
            LastChange = lastChange;
            Age = age;
            TimeToLive = timeToLive;
            ExpiresAt = expiresAt;
            LastHeard = lastHeard;
        }

        /// <summary>The owner of the entry.</summary>
        public string NodeId { get; }

        /// <summary>The key.</summary>
        public string Key { get; }

        /// <summary>The value.</summary>
        public string Value { get; }

        /// <summary>The owner's version of the write; larger is newer.</summary>
        public long Version { get; }

        /// <summary>The owner's status: a Failed or Left owner's entries are its last report.</summary>
        public DsnPeerStatus Status { get; }

        /// <summary>When the owner wrote the value (from the version's clock: the owner's wall clock at the write).</summary>
        public DateTimeOffset LastChange { get; }

        /// <summary>
        /// How long ago the owner wrote the value, when this entry was read: this node's clock minus <see cref="LastChange"/>
        /// (never negative), so a clock skew between the two machines shifts it by that skew.
        /// </summary>
        public TimeSpan Age { get; }

        /// <summary>The lease the owner gave the value (it expires that long after the write), or null for none.</summary>
        public TimeSpan? TimeToLive { get; }

        /// <summary>When the value expires on this node (its clock), or null without a lease.</summary>
        public DateTimeOffset? ExpiresAt { get; }

        /// <summary>When this node last heard from the owner (see <see cref="DsnPeer.LastHeard"/>); null if never directly.</summary>
        public DateTimeOffset? LastHeard { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{NodeId}/{Key}={Value}";
    }
}
