using System;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>A frame (or, when <see cref="Frame"/> is null, a close) waiting in the delay queue.</summary>
    internal sealed class Delivery
    {
        public Delivery(Link link, Pipe pipe, byte[]? frame, bool inOrder)
        {
            Link = link;
            Pipe = pipe;
            Frame = frame;
            InOrder = inOrder;
        }

        public Link Link { get; }

        public Pipe Pipe { get; }

        public byte[]? Frame { get; }

        public bool InOrder { get; }
    }
}
