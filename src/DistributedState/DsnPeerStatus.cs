namespace DistributedState
{
    /// <summary>The status of a member of the network, as this node sees it.</summary>
    public enum DsnPeerStatus
    {
        /// <summary>The member answers probes, or has recently proven it is alive.</summary>
        Alive = 0,

        /// <summary>The member stopped answering; it is given time to refute before it is declared failed.</summary>
        Suspect = 1,

        /// <summary>The member did not refute a suspicion in time. Its last state stays readable for the retention period.</summary>
        Failed = 2,

        /// <summary>The member stopped gracefully and announced its departure. Its last state stays readable for the retention period.</summary>
        Left = 3,
    }
}
