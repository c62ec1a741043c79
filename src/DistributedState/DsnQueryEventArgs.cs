using System;
using System.Text;
using System.Threading;

namespace DistributedState
{
    /// <summary>
    /// A fleet query reached this node (<see cref="DsnNode.QueryReceived"/>). Answer it with <see cref="Respond(string)"/>
    /// or <see cref="Respond(byte[])"/> before <see cref="Deadline"/>, from any thread (a PowerShell <c>-Action</c> block
    /// runs later, on the session's thread); the first answer counts. A query nobody answers gets no response from this node.
    /// </summary>
    public sealed class DsnQueryEventArgs : EventArgs
    {
        private readonly Func<byte[], bool> _respond;
        private int _responded;

        internal DsnQueryEventArgs(string name, string askerId, byte[] payload, DateTimeOffset deadline, Func<byte[], bool> respond)
        {
            Name = name;
            AskerId = askerId;
            Payload = payload;
            Deadline = deadline;
            _respond = respond;
        }

        /// <summary>The query's name, for example "uptime".</summary>
        public string Name { get; }

        /// <summary>The member that asked (its signature was checked).</summary>
        public string AskerId { get; }

        /// <summary>The question's bytes.</summary>
        public byte[] Payload { get; }

        /// <summary>The question as UTF-8 text.</summary>
        public string Text => Encoding.UTF8.GetString(Payload);

        /// <summary>When the asker stops listening; later answers are not sent.</summary>
        public DateTimeOffset Deadline { get; }

        /// <summary>True once an answer was sent.</summary>
        public bool HasResponded => Volatile.Read(ref _responded) != 0;

        /// <summary>Answers with bytes; false when already answered, too late, or too large to send.</summary>
        public bool Respond(byte[] payload)
        {
            if (payload is null)
                throw new ArgumentNullException(nameof(payload));
            if (DateTimeOffset.UtcNow > Deadline || Interlocked.Exchange(ref _responded, 1) != 0)
                return false;
            return _respond(payload);
        }

        /// <summary>Answers with text (sent as UTF-8).</summary>
        public bool Respond(string text) => Respond(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));
    }
}
