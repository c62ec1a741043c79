using System;
using System.Collections.Generic;

namespace DistributedState.State
{
    /// <summary>
    /// A node's leased entries in order of expiry, over all owners, on the node's monotonic clock, with the clock readings
    /// that anchor a lease (<see cref="LeaseRule"/>). Owner states add and remove their entries' expiries as entries change;
    /// the node takes what is due on its housekeeping tick, so an expiry costs O(log n) and an idle tick O(1), however many
    /// owners there are. The clocks are injected so that tests can set them. Guarded by the node's lock.
    /// </summary>
    internal sealed class LeaseTimetable
    {
        private readonly Func<long> _monotonicMs;
        private readonly Func<long> _unixMs;
        private readonly SortedSet<LeaseDue> _due = new SortedSet<LeaseDue>(LeaseDue.Order);
        // The wall clock at monotonic zero, read once: monotonic moments shown as wall-clock ones do not jitter between reads.
        private readonly long _unixAtZero;

        /// <param name="monotonicMs">The node's monotonic clock in milliseconds (never jumps).</param>
        /// <param name="unixMs">The node's wall clock, milliseconds since the Unix epoch.</param>
        /// <param name="toleranceMs">How far this node's wall clock may be ahead of an owner's without shortening its leases.</param>
        public LeaseTimetable(Func<long> monotonicMs, Func<long> unixMs, long toleranceMs)
        {
            _monotonicMs = monotonicMs;
            _unixMs = unixMs;
            ToleranceMs = toleranceMs;
            _unixAtZero = unixMs() - monotonicMs();
        }

        /// <summary>A timetable on the machine's clocks.</summary>
        public static LeaseTimetable OnSystemClocks(long toleranceMs)
        {
            var monotonic = System.Diagnostics.Stopwatch.StartNew();
            return new LeaseTimetable(() => monotonic.ElapsedMilliseconds, () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), toleranceMs);
        }

        public long ToleranceMs { get; }

        /// <summary>The monotonic clock now.</summary>
        public long Now => _monotonicMs();

        /// <summary>How many leases are scheduled.</summary>
        public int Count => _due.Count;

        /// <summary>The monotonic expiry of a value this node writes now with a lease of <paramref name="leaseMs"/>.</summary>
        public long ExpiryOfOwnWrite(uint leaseMs) => Now + leaseMs;

        /// <summary>
        /// The monotonic expiry of this node's own leased value written at <paramref name="version"/> by an earlier run
        /// (restored from its data directory): the same clock wrote it, so no skew is tolerated and the time the node
        /// was down counts against the lease.
        /// </summary>
        public long ExpiryOfRestoredOwnWrite(long version, uint leaseMs) =>
            Now + LeaseRule.RemainingAtReceipt(leaseMs, HybridClock.ToUnixMs(version), _unixMs(), toleranceMs: 0);

        /// <summary>The monotonic expiry of a leased value of another owner, written at <paramref name="version"/>, applied now.</summary>
        public long ExpiryOnReceipt(long version, uint leaseMs) =>
            Now + LeaseRule.RemainingAtReceipt(leaseMs, HybridClock.ToUnixMs(version), _unixMs(), ToleranceMs);

        /// <summary>A moment of the monotonic clock on this node's wall clock (as it read at start), for display.</summary>
        public DateTimeOffset ToWallClock(long monotonicMs) => DateTimeOffset.FromUnixTimeMilliseconds(_unixAtZero + monotonicMs);

        public void Add(string owner, string key, long expiresAt) => _due.Add(new LeaseDue(expiresAt, owner, key));

        public void Remove(string owner, string key, long expiresAt) => _due.Remove(new LeaseDue(expiresAt, owner, key));

        /// <summary>Removes and returns every lease due by <paramref name="now"/>, earliest first.</summary>
        public List<LeaseDue> TakeDue(long now)
        {
            var due = new List<LeaseDue>();
            while (_due.Count > 0 && _due.Min.ExpiresAt <= now)
            {
                var first = _due.Min;
                _due.Remove(first);
                due.Add(first);
            }

            return due;
        }
    }

    /// <summary>One scheduled expiry: the owner and key whose value expires at <see cref="ExpiresAt"/> (monotonic ms).</summary>
    internal readonly struct LeaseDue
    {
        public static readonly IComparer<LeaseDue> Order = Comparer<LeaseDue>.Create((a, b) =>
        {
            var byTime = a.ExpiresAt.CompareTo(b.ExpiresAt);
            if (byTime != 0)
                return byTime;
            var byOwner = string.CompareOrdinal(a.Owner, b.Owner);
            return byOwner != 0 ? byOwner : string.CompareOrdinal(a.Key, b.Key);
        });

        public LeaseDue(long expiresAt, string owner, string key)
        {
            ExpiresAt = expiresAt;
            Owner = owner;
            Key = key;
        }

        public long ExpiresAt { get; }

        public string Owner { get; }

        public string Key { get; }
    }
}
