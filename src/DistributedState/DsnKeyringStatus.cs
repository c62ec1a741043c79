namespace DistributedState
{
    /// <summary>What a keyring operation did on one member (<see cref="DsnKeyringResult.Status"/>).</summary>
    public enum DsnKeyringStatus
    {
        /// <summary>The member's ring changed.</summary>
        Changed = 1,

        /// <summary>Nothing to do: the ring already was as asked (or the operation only lists).</summary>
        Unchanged = 2,

        /// <summary>The member refused; <see cref="DsnKeyringResult.Error"/> says why.</summary>
        Refused = 3,

        /// <summary>The member did not answer before the timeout: it may be down, or the command did not reach it.</summary>
        NoAnswer = 4,
    }
}
