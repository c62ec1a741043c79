using System;

namespace DistributedState
{
    /// <summary>One line a node logs, handed to an <see cref="IDsnLogSink"/>.</summary>
    public sealed class DsnLogEntry
    {
        /// <summary>Creates an entry.</summary>
        public DsnLogEntry(DateTimeOffset timestamp, string nodeId, DsnLogLevel level, string message, Exception? exception)
        {
            Timestamp = timestamp;
            NodeId = nodeId;
            Level = level;
            Message = message;
            Exception = exception;
        }

        /// <summary>When the node logged it.</summary>
        public DateTimeOffset Timestamp { get; }

        /// <summary>The node that logged it.</summary>
        public string NodeId { get; }

        /// <summary>How much it matters.</summary>
        public DsnLogLevel Level { get; }

        /// <summary>The text, with its values filled in.</summary>
        public string Message { get; }

        /// <summary>The exception behind it, if any.</summary>
        public Exception? Exception { get; }

        /// <inheritdoc />
        public override string ToString() =>
            Exception is null ? $"{Level} {NodeId}: {Message}" : $"{Level} {NodeId}: {Message} ({Exception.GetType().Name}: {Exception.Message})";
    }
}
