namespace DistributedState.Protocol
{
    /// <summary>The first byte of every message inside a protected frame (see docs/protocol.md).</summary>
    internal enum MessageType : byte
    {
        Ping = 1,
        Ack = 2,
        PingRequest = 3,
        Members = 4,
        Push = 5,
        Sync = 6,
        Digest = 7,
        DigestDone = 8,
        Direct = 9,
        DirectAck = 10,
        Shed = 11,
        IndirectPing = 12,
        IndirectAck = 13,

        // Fleet queries take numbers of their own, apart from the core protocol's.
        Query = 40,
        QueryResponse = 41,

        // Keyring operations (key rotation) take 50-59; their answers are query responses (41).
        KeyringCommand = 50,
    }

    /// <summary>A protocol message; <see cref="MessageCodec"/> turns it into bytes and back.</summary>
    internal abstract class Message
    {
        public abstract MessageType Type { get; }

        /// <summary>Writes everything after the type byte.</summary>
        public abstract void WriteBody(WireWriter writer);
    }

    /// <summary>The bounds a decoder enforces; every node of a network uses the same ones.</summary>
    internal sealed class ProtocolLimits
    {
        public const int MaxNodeIdBytes = 64;
        public const int MaxKeyBytes = 1024; // 256 characters of up to 4 UTF-8 bytes
        public const int MaxHostBytes = 255;

        public ProtocolLimits(int maxValueBytes, int maxMessageBytes)
        {
            MaxValueBytes = maxValueBytes;
            MaxMessageBytes = maxMessageBytes;
        }

        public int MaxValueBytes { get; }

        public int MaxMessageBytes { get; }

        /// <summary>The largest frame: one maximal value or message plus room for framing and a batch header.</summary>
        public int MaxFrameBytes => System.Math.Max(MaxValueBytes, MaxMessageBytes) + 64 * 1024;
    }
}
