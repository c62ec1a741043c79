namespace DistributedState
{
    /// <summary>What a keyring operation refused (<see cref="DsnKeyringException.Problem"/>).</summary>
    public enum DsnKeyringProblem
    {
        /// <summary>The ring holds no key of that id.</summary>
        UnknownKey = 1,

        /// <summary>The key is the primary, which a ring cannot lose: make another key primary first.</summary>
        PrimaryKey = 2,

        /// <summary>The ring already holds <see cref="DsnNetworkKeyring.MaxKeys"/> keys.</summary>
        Full = 3,
    }

    /// <summary>A keyring operation that cannot be done, with the key id it was about.</summary>
    public sealed class DsnKeyringException : DsnException
    {
        /// <summary>Creates the exception.</summary>
        public DsnKeyringException(DsnKeyringProblem problem, string keyId, string message) : base(message)
        {
            Problem = problem;
            KeyId = keyId;
        }

        /// <summary>What was refused.</summary>
        public DsnKeyringProblem Problem { get; }

        /// <summary>The <see cref="DsnNetworkKey.Id"/> of the key concerned.</summary>
        public string KeyId { get; }
    }
}
