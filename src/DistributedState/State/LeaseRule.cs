using System;

namespace DistributedState.State
{
    /// <summary>
    /// When a leased value expires on a node, from clock readings only (pure). A lease is carried as a duration relative
    /// to the owner's write (the write's time is the wall-clock part of its version), never as a moment on anyone's
    /// clock. A receiver anchors it to its own monotonic clock when it first applies the entry:
    /// <code>remaining = clamp(written + lease + tolerance - receivedWall, 0, lease)</code>
    /// and the value expires at <c>receivedMonotonic + remaining</c>. Receipt comes after the write, so the upper clamp
    /// (a full lease from receipt) can never make a value vanish before the owner meant; the wall-clock term only
    /// shortens the lease of an entry that arrives late (a sync to a joiner, long after the write), and the tolerance
    /// keeps a receiver whose clock is ahead of the owner's by up to it from cutting the lease short. Precisely, with the
    /// receiver's clock ahead of the owner's by d (negative: behind) and the entry arriving t after the write, the value
    /// expires at <c>write + lease + min(t, tolerance - d)</c> (not before receipt): never early while d ≤ tolerance, and
    /// late by at most min(t, tolerance - d) — by the transit time for a push, by at most 2 × tolerance for a late sync.
    /// Later jumps of either wall clock change nothing: after receipt only the monotonic clock counts.
    /// </summary>
    internal static class LeaseRule
    {
        /// <summary>The longest lease (30 days).</summary>
        public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromMilliseconds(Protocol.BatchEntry.MaxLeaseMs);

        /// <summary>
        /// What is wrong with a lease asked for, completing "TimeToLive …", or null when it is fine.
        /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> is fine: no lease.
        /// </summary>
        public static string? TimeToLiveProblem(TimeSpan timeToLive)
        {
            if (timeToLive == System.Threading.Timeout.InfiniteTimeSpan)
                return null;
            if (timeToLive <= TimeSpan.Zero)
                return $"must be a positive duration (at least 1 ms; Timeout.InfiniteTimeSpan for no lease); it was {timeToLive}.";
            if (timeToLive > MaxTimeToLive)
                return $"must be at most 30 days (leases are for values that are renewed; set no lease for a lasting value); it was {timeToLive}.";
            return null;
        }

        /// <summary>A valid lease in whole milliseconds, rounded up (0: no lease).</summary>
        public static uint ToLeaseMs(TimeSpan timeToLive) =>
            timeToLive == System.Threading.Timeout.InfiniteTimeSpan ? 0 : (uint)Math.Ceiling(timeToLive.TotalMilliseconds);

        /// <summary>
        /// The milliseconds of lease left at receipt, on the receiver's monotonic clock.
        /// </summary>
        /// <param name="leaseMs">The lease the owner signed (milliseconds after its write).</param>
        /// <param name="writtenUnixMs">When the owner wrote the entry, by its clock (the version's time).</param>
        /// <param name="receivedUnixMs">The receiver's wall clock when it first applies the entry.</param>
        /// <param name="toleranceMs">How far ahead of the owner's clock the receiver's may be without shortening a lease.</param>
        public static long RemainingAtReceipt(long leaseMs, long writtenUnixMs, long receivedUnixMs, long toleranceMs)
        {
            var byWallClocks = writtenUnixMs + leaseMs + toleranceMs - receivedUnixMs;
            return Math.Max(0, Math.Min(leaseMs, byWallClocks));
        }
    }
}
