namespace DistributedState
{
    /// <summary>Why a key changed (<see cref="DsnStateChangedEventArgs.Reason"/>).</summary>
    public enum DsnStateChangeReason
    {
        /// <summary>The owner set a value (a new key, or a new value of a key).</summary>
        Set = 0,

        /// <summary>The owner removed the key, or the value went with a run or binding of the owner that ended.</summary>
        Removed = 1,

        /// <summary>The value's lease (time to live) passed: removed on this node, whether or not the owner is still there.</summary>
        Expired = 2,
    }
}
