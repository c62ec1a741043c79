using System;

namespace DistributedState
{
    /// <summary>A member of the network as this node sees it at one moment (an immutable snapshot).</summary>
    public sealed class DsnPeer
    {
        internal DsnPeer(string nodeId, DsnEndpoint endPoint, DsnPeerStatus status, DateTimeOffset lastChange,
            int keyCount, long incarnation, string publicKey, bool isLocal, DateTimeOffset? lastHeard)
        {
            LastHeard = lastHeard;
            NodeId = nodeId;
            EndPoint = endPoint;
            Status = status;
            LastChange = lastChange;
            KeyCount = keyCount;
            Incarnation = incarnation;
            PublicKey = publicKey;
            IsLocal = isLocal;
        }

        /// <summary>The member's NodeId.</summary>
        public string NodeId { get; }

        /// <summary>The address the member advertises.</summary>
        public DsnEndpoint EndPoint { get; }

        /// <summary>Alive, Suspect, Failed or Left.</summary>
        public DsnPeerStatus Status { get; }

        /// <summary>When this node last saw the status change.</summary>
        public DateTimeOffset LastChange { get; }

        /// <summary>
        /// When this node last heard from the member: a message on a connection with it, or a state change it pushed
        /// (relayed or not). For the local node, the moment of the snapshot. Null: never heard from directly (known only
        /// through others).
        /// </summary>
        public DateTimeOffset? LastHeard { get; }

        /// <summary>How many keys the member's state holds (expired values excluded).</summary>
        public int KeyCount { get; }

        /// <summary>The member's incarnation: it grows each time the member refutes a suspicion or restarts.</summary>
        public long Incarnation { get; }

        /// <summary>The member's identity public key (hex), as pinned in <see cref="DsnNodeOptions.AllowedNodes"/>.</summary>
        public string PublicKey { get; }

        /// <summary>True for the node that produced this snapshot.</summary>
        public bool IsLocal { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{NodeId} ({Status}) {EndPoint}";
    }
}
