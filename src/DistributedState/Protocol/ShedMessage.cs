namespace DistributedState.Protocol
{
    /// <summary>
    /// "I am closing this connection because I hold more than my connection cap": the last message on a connection
    /// its sender sheds. The receiver closes it too, takes it as no sign of failure, and does not dial the sender
    /// again for a while; probes and direct messages may still open short-lived connections. No body.
    /// </summary>
    internal sealed class ShedMessage : Message
    {
        /// <summary>The message has no content, so one instance serves every use.</summary>
        public static ShedMessage Instance { get; } = new ShedMessage();

        private ShedMessage()
        {
        }

        public override MessageType Type => MessageType.Shed;

        public override void WriteBody(WireWriter writer)
        {
        }
    }
}
