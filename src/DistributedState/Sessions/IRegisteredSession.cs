namespace DistributedState.Sessions
{
    /// <summary>What <see cref="SessionRegistry{TSession}"/> needs to know of a session to choose among and close them.</summary>
    internal interface IRegisteredSession
    {
        /// <summary>The authenticated NodeId at the other end.</summary>
        string PeerId { get; }

        /// <summary>Whether this node opened the connection.</summary>
        bool Initiated { get; }

        /// <summary>False once the session is closing or closed.</summary>
        bool IsOpen { get; }

        /// <summary>When it opened, on the node's monotonic clock (milliseconds).</summary>
        long OpenedAt { get; }

        /// <summary>Closes the session, saying why.</summary>
        void Close(string reason);
    }
}
