using System;

namespace DistributedState
{
    /// <summary>The kinds of event a <see cref="DsnEventSubscription"/> receives; combine them with <c>|</c>.</summary>
    [Flags]
    public enum DsnEventKinds
    {
        /// <summary>No events.</summary>
        None = 0,

        /// <summary><see cref="DsnNode.PeerJoined"/>.</summary>
        PeerJoined = 1,

        /// <summary><see cref="DsnNode.PeerStatusChanged"/>.</summary>
        PeerStatusChanged = 2,

        /// <summary><see cref="DsnNode.StateChanged"/>.</summary>
        StateChanged = 4,

        /// <summary><see cref="DsnNode.DataReceived"/>.</summary>
        DataReceived = 8,

        /// <summary>Every kind.</summary>
        All = PeerJoined | PeerStatusChanged | StateChanged | DataReceived,
    }
}
