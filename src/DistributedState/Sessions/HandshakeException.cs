using System;

namespace DistributedState.Sessions
{
    /// <summary>A handshake failed; <see cref="Exception.Message"/> is for the local log only, never sent.</summary>
    internal sealed class HandshakeException : Exception
    {
        public HandshakeException(string counter, string message) : base(message) => Counter = counter;

        /// <summary>The statistics counter this failure increments.</summary>
        public string Counter { get; }
    }
}
