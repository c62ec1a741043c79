namespace DistributedState.State
{
    /// <summary>A value a node holds and shows of one owner's key (an expired value is not shown), with its lease.</summary>
    internal readonly struct HeldEntry
    {
        public HeldEntry(string key, string value, long version, uint leaseMs, long expiresAt)
        {
            Key = key;
            Value = value;
            Version = version;
            LeaseMs = leaseMs;
            ExpiresAt = expiresAt;
        }

        public string Key { get; }

        public string Value { get; }

        public long Version { get; }

        /// <summary>The lease the owner signed, in milliseconds after its write; 0: none.</summary>
        public uint LeaseMs { get; }

        /// <summary>When the value expires here, on the node's monotonic clock (<see cref="LeaseTimetable.Now"/>); long.MaxValue: never.</summary>
        public long ExpiresAt { get; }

        public bool HasLease => LeaseMs != 0;

        public void Deconstruct(out string key, out string value, out long version)
        {
            key = Key;
            value = Value;
            version = Version;
        }
    }
}
