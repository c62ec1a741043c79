using System;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// How far apart an owner signs its batches of writes; writes in between coalesce into the next batch. While each
    /// batch carries a single write, writes go out at once; when writes arrive faster than batches (a batch covered
    /// several), the spacing doubles up to <see cref="MaxMs"/>, because every batch costs each receiver a signature
    /// check (~0.1 ms), and coalescing is what keeps a write storm from becoming a verification storm on every peer.
    /// Judging by the time since the last batch instead made a node that writes every few milliseconds (two nodes
    /// taking turns) wait up to the full spacing for every write.
    /// </summary>
    internal static class BatchSpacing
    {
        public const int MinMs = 2;
        public const int MaxMs = 32;

        /// <summary>The spacing before the next batch, given the current one and how many writes the last batch covered.</summary>
        public static int Next(int currentMs, int writesInLastBatch) =>
            writesInLastBatch > 1 ? Math.Min(MaxMs, Math.Max(MinMs, currentMs) * 2) : MinMs;
    }
}
