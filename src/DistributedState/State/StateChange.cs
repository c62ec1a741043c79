namespace DistributedState.State
{
    /// <summary>One visible change of one key, reported as a <see cref="DsnStateChangedEventArgs"/>.</summary>
    internal readonly struct StateChange
    {
        public StateChange(string owner, string key, string? oldValue, string? newValue, long version, bool expired = false)
        {
            Owner = owner;
            Key = key;
            OldValue = oldValue;
            NewValue = newValue;
            Version = version;
            Reason = newValue is not null ? DsnStateChangeReason.Set : expired ? DsnStateChangeReason.Expired : DsnStateChangeReason.Removed;
        }

        public string Owner { get; }

        public string Key { get; }

        public string? OldValue { get; }

        public string? NewValue { get; }

        public long Version { get; }

        public DsnStateChangeReason Reason { get; }
    }
}
