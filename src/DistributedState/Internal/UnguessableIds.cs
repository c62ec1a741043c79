using System;
using System.Security.Cryptography;

namespace DistributedState.Internal
{
    /// <summary>
    /// Request ids drawn from a cryptographic generator. Sequential ids let any peer guess which request is in flight
    /// and answer another peer's (a forged Ack completing a probe of a dead member); random ones, bound to the peer
    /// expected to answer (<see cref="PendingReplies{TId, TState}"/>), cannot be guessed.
    /// </summary>
    internal static class UnguessableIds
    {
        /// <summary>One generator for the process: its GetBytes is thread-safe, and creating one per id costs more than the id.</summary>
        private static readonly RandomNumberGenerator Generator = RandomNumberGenerator.Create();

        [ThreadStatic] private static byte[]? t_buffer;

        public static uint NextUInt32() => BitConverter.ToUInt32(Fill(), 0);

        public static ulong NextUInt64() => BitConverter.ToUInt64(Fill(), 0);

        private static byte[] Fill()
        {
            var buffer = t_buffer ??= new byte[8];
            Generator.GetBytes(buffer);
            return buffer;
        }
    }
}
