namespace DistributedState.State
{
    /// <summary>One visible change of one key, reported as a <see cref="DsnStateChangedEventArgs"/>.</summary>
    internal readonly struct StateChange
    {
        public StateChange(string owner, string key, string? oldValue, string? newValue, long version)
        {
            Owner = owner;
            Key = key;
            OldValue = oldValue;
            NewValue = newValue;
            Version = version;
        }

        public string Owner { get; }

        public string Key { get; }

        public string? OldValue { get; }

        public string? NewValue { get; }

        public long Version { get; }
    }
}
