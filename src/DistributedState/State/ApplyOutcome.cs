namespace DistributedState.State
{
    /// <summary>What became of batches offered to an <see cref="OwnerState"/> (a push or a whole sync answer).</summary>
    internal enum ApplyResult
    {
        /// <summary>Applied: the copy now adds up to the owner's commitment at its newest version.</summary>
        Applied,

        /// <summary>They do not fit what is held (an older epoch, a sync from a version not reached); nothing changed.</summary>
        Unfit,

        /// <summary>The state would exceed the byte limit; nothing changed.</summary>
        TooLarge,

        /// <summary>
        /// The copy would not add up to what the owner signed for its newest version: batches are missing (a relay
        /// left some out, or sent an old subset). Nothing changed; the copy held before is still exactly the owner's
        /// state at its own version.
        /// </summary>
        Incomplete,
    }

    /// <summary>The <see cref="ApplyResult"/> and the size the state would have had (for the log of a refusal).</summary>
    internal readonly struct ApplyOutcome
    {
        public ApplyOutcome(ApplyResult result, long sizeAfter)
        {
            Result = result;
            SizeAfter = sizeAfter;
        }

        public ApplyResult Result { get; }

        /// <summary>UTF-8 bytes of live keys and values after applying (as limited by MaxStateBytes); 0 when unfit.</summary>
        public long SizeAfter { get; }
    }
}
