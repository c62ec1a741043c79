using System;

namespace DistributedState
{
    /// <summary>One key of one member's state, with its version and the owner's status.</summary>
    public sealed class DsnDataEntry
    {
        internal DsnDataEntry(string nodeId, string key, string value, long version, DsnPeerStatus status, DateTimeOffset lastChange)
        {
            NodeId = nodeId;
            Key = key;
            Value = value;
            Version = version;
            Status = status;
            LastChange = lastChange;
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

        /// <summary>When the owner wrote the value (from the version's clock).</summary>
        public DateTimeOffset LastChange { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{NodeId}/{Key}={Value}";
    }
}
