using System.Globalization;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>A snapshot of what a <see cref="FaultInjectionNetwork"/> carried and what it did to it.</summary>
    public sealed class FaultInjectionStatistics
    {
        internal FaultInjectionStatistics(long[] values)
        {
            FramesSent = values[(int)Counter.FramesSent];
            FramesDelivered = values[(int)Counter.FramesDelivered];
            BytesDelivered = values[(int)Counter.BytesDelivered];
            FramesDropped = values[(int)Counter.FramesDropped];
            FramesDuplicated = values[(int)Counter.FramesDuplicated];
            FramesReordered = values[(int)Counter.FramesReordered];
            FramesCorrupted = values[(int)Counter.FramesCorrupted];
            FramesDelayed = values[(int)Counter.FramesDelayed];
            FramesLostToCuts = values[(int)Counter.FramesLostToCuts];
            FramesDiscardedClosed = values[(int)Counter.FramesDiscardedClosed];
            ConnectionsAccepted = values[(int)Counter.ConnectionsAccepted];
            ConnectsRefused = values[(int)Counter.ConnectsRefused];
            ConnectsTimedOut = values[(int)Counter.ConnectsTimedOut];
            ConnectionsReset = values[(int)Counter.ConnectionsReset];
        }

        /// <summary>Frames handed to the network by senders (before any fault).</summary>
        public long FramesSent { get; }

        /// <summary>Frames put into a receiver's queue (duplicates included).</summary>
        public long FramesDelivered { get; }

        /// <summary>Bytes of the delivered frames.</summary>
        public long BytesDelivered { get; }

        /// <summary>Frames dropped by the drop probability.</summary>
        public long FramesDropped { get; }

        /// <summary>Extra copies delivered by the duplicate probability.</summary>
        public long FramesDuplicated { get; }

        /// <summary>Frames held back so later ones overtook them.</summary>
        public long FramesReordered { get; }

        /// <summary>Frames with one bit flipped.</summary>
        public long FramesCorrupted { get; }

        /// <summary>Frames that went through the delay queue rather than straight to the receiver.</summary>
        public long FramesDelayed { get; }

        /// <summary>Frames (and connection closes) that vanished because their link was cut when sent or when due.</summary>
        public long FramesLostToCuts { get; }

        /// <summary>Frames discarded because the receiving end had closed before they arrived or were read.</summary>
        public long FramesDiscardedClosed { get; }

        /// <summary>Connections established (a listener queued them).</summary>
        public long ConnectionsAccepted { get; }

        /// <summary>Connects refused: nothing listening at that host and port.</summary>
        public long ConnectsRefused { get; }

        /// <summary>Connects that timed out: the link was cut in either direction, or the listener's backlog was full.</summary>
        public long ConnectsTimedOut { get; }

        /// <summary>Sends that failed because the other end had closed (a TCP reset).</summary>
        public long ConnectionsReset { get; }

        /// <inheritdoc/>
        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "sent {0}, delivered {1} ({2} B), dropped {3}, duplicated {4}, reordered {5}, corrupted {6}, delayed {7}, lost to cuts {8}, " +
            "discarded (closed) {9}; connections {10}, refused {11}, timed out {12}, reset {13}",
            FramesSent, FramesDelivered, BytesDelivered, FramesDropped, FramesDuplicated, FramesReordered, FramesCorrupted,
            FramesDelayed, FramesLostToCuts, FramesDiscardedClosed, ConnectionsAccepted, ConnectsRefused, ConnectsTimedOut, ConnectionsReset);
    }

    internal enum Counter
    {
        FramesSent,
        FramesDelivered,
        BytesDelivered,
        FramesDropped,
        FramesDuplicated,
        FramesReordered,
        FramesCorrupted,
        FramesDelayed,
        FramesLostToCuts,
        FramesDiscardedClosed,
        ConnectionsAccepted,
        ConnectsRefused,
        ConnectsTimedOut,
        ConnectionsReset,
        Count,
    }
}
