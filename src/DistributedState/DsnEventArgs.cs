using System;

namespace DistributedState
{
    /// <summary>A member joined the network (or was first learned of). Raised by <see cref="DsnNode.PeerJoined"/>.</summary>
    public sealed class DsnPeerEventArgs : EventArgs
    {
        internal DsnPeerEventArgs(DsnPeer peer) => Peer = peer;

        /// <summary>The member's NodeId.</summary>
        public string NodeId => Peer.NodeId;

        /// <summary>The member as seen when the event was raised.</summary>
        public DsnPeer Peer { get; }
    }

    /// <summary>A member's status changed. Raised by <see cref="DsnNode.PeerStatusChanged"/>.</summary>
    public sealed class DsnPeerStatusEventArgs : EventArgs
    {
        internal DsnPeerStatusEventArgs(DsnPeer peer, DsnPeerStatus oldStatus)
        {
            Peer = peer;
            OldStatus = oldStatus;
        }

        /// <summary>The member's NodeId.</summary>
        public string NodeId => Peer.NodeId;

        /// <summary>The status before the change.</summary>
        public DsnPeerStatus OldStatus { get; }

        /// <summary>The status after the change.</summary>
        public DsnPeerStatus NewStatus => Peer.Status;

        /// <summary>The member as seen when the event was raised.</summary>
        public DsnPeer Peer { get; }
    }

    /// <summary>One key of one member's state changed. Raised by <see cref="DsnNode.StateChanged"/>.</summary>
    public sealed class DsnStateChangedEventArgs : EventArgs
    {
        internal DsnStateChangedEventArgs(string nodeId, string key, string? oldValue, string? newValue, long version, DsnStateChangeReason reason)
        {
            NodeId = nodeId;
            Key = key;
            OldValue = oldValue;
            NewValue = newValue;
            Version = version;
            Reason = reason;
        }

        /// <summary>The owner of the state.</summary>
        public string NodeId { get; }

        /// <summary>The key that changed.</summary>
        public string Key { get; }

        /// <summary>The value before the change; null if the key was absent.</summary>
        public string? OldValue { get; }

        /// <summary>The value after the change; null when the key was removed.</summary>
        public string? NewValue { get; }

        /// <summary>The owner's version of the change.</summary>
        public long Version { get; }

        /// <summary>True when the key was removed (by its owner, or because its lease passed).</summary>
        public bool IsRemoval => NewValue is null;

        /// <summary>Why: <see cref="DsnStateChangeReason.Set"/>, <see cref="DsnStateChangeReason.Removed"/>, or <see cref="DsnStateChangeReason.Expired"/> when the value's lease passed.</summary>
        public DsnStateChangeReason Reason { get; }
    }

    /// <summary>A direct message arrived. Raised by <see cref="DsnNode.DataReceived"/>.</summary>
    public sealed class DsnDataReceivedEventArgs : EventArgs
    {
        internal DsnDataReceivedEventArgs(string senderId, byte[] data, DateTimeOffset receivedAt)
        {
            SenderId = senderId;
            Data = data;
            ReceivedAt = receivedAt;
        }

        /// <summary>The NodeId of the sender (authenticated by the handshake).</summary>
        public string SenderId { get; }

        /// <summary>The bytes sent, exactly.</summary>
        public byte[] Data { get; }

        /// <summary>When this node received the message.</summary>
        public DateTimeOffset ReceivedAt { get; }
    }
}
