using System;
using System.Text;

namespace DistributedState
{
    /// <summary>One member's answer to <see cref="DsnNode.QueryAsync"/>.</summary>
    public sealed class DsnQueryResponse
    {
        internal DsnQueryResponse(string nodeId, byte[] payload, TimeSpan latency)
        {
            NodeId = nodeId;
            Payload = payload;
            Latency = latency;
        }

        /// <summary>The member that answered (its session authenticated it).</summary>
        public string NodeId { get; }

        /// <summary>The answer's bytes.</summary>
        public byte[] Payload { get; }

        /// <summary>The answer as UTF-8 text.</summary>
        public string Text => Encoding.UTF8.GetString(Payload);

        /// <summary>From sending the query to receiving this answer.</summary>
        public TimeSpan Latency { get; }

        /// <inheritdoc />
        public override string ToString() => $"{NodeId}: {Text}";
    }
}
