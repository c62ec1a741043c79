using System;
using DistributedState.Internal;

namespace DistributedState.Protocol
{
    /// <summary>
    /// One run of a node: when its process started it (Unix milliseconds) and a random id drawn at that start. Carried
    /// in every signed alive record, so that a record of this node's own identity tells an earlier run of it (a restart:
    /// its records still circulate) from another live process holding the same identity file.
    /// </summary>
    internal readonly struct RunIdentity : IEquatable<RunIdentity>
    {
        private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
        private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

        public RunIdentity(long startedMs, ulong id)
        {
            StartedMs = startedMs;
            Id = id;
        }

        /// <summary>When the run started, in Unix milliseconds of its host's clock.</summary>
        public long StartedMs { get; }

        /// <summary>Random, so two runs that start in the same millisecond still differ.</summary>
        public ulong Id { get; }

        /// <summary><see cref="StartedMs"/> as a time; a value beyond what DateTimeOffset holds (only a forged record has one) is clamped.</summary>
        public DateTimeOffset Started => DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(MinMs, Math.Min(MaxMs, StartedMs)));

        /// <summary>A new run starting now.</summary>
        public static RunIdentity StartingAt(DateTimeOffset now) => new RunIdentity(now.ToUnixTimeMilliseconds(), UnguessableIds.NextUInt64());

        /// <summary>True when this run started after <paramref name="other"/>: the later start, ties broken by the larger id.</summary>
        public bool IsNewerThan(RunIdentity other) => StartedMs != other.StartedMs ? StartedMs > other.StartedMs : Id > other.Id;

        public bool Equals(RunIdentity other) => StartedMs == other.StartedMs && Id == other.Id;

        public override bool Equals(object? obj) => obj is RunIdentity other && Equals(other);

        public override int GetHashCode() => StartedMs.GetHashCode() * 31 + Id.GetHashCode();

        public override string ToString() => $"run {Id:x16} started {Started:yyyy-MM-dd HH:mm:ss.fff} UTC";
    }
}
