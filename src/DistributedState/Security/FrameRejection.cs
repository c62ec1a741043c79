namespace DistributedState.Security
{
    /// <summary>Why a frame was refused; each reason has its own counter.</summary>
    internal enum FrameRejection
    {
        None,
        Truncated,
        BadTag,
        Replayed,
    }
}
