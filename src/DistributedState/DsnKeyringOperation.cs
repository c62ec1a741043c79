namespace DistributedState
{
    /// <summary>A network-wide keyring operation (<see cref="DsnNode.InstallNetworkKeyAsync"/> and its siblings).</summary>
    public enum DsnKeyringOperation
    {
        /// <summary>Add a key to every member's ring (Add-DsnNetworkKey).</summary>
        Install = 1,

        /// <summary>Make a key every member's primary (Set-DsnPrimaryNetworkKey).</summary>
        Use = 2,

        /// <summary>Take a key out of every member's ring (Remove-DsnNetworkKey).</summary>
        Remove = 3,

        /// <summary>Report which keys each member holds (Get-DsnNetworkKey).</summary>
        List = 4,
    }
}
