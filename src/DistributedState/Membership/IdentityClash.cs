using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Protocol;

namespace DistributedState.Membership
{
    /// <summary>What a node concludes about another run that holds its identity.</summary>
    internal enum ClashVerdict
    {
        /// <summary>No conclusion (yet): an earlier run whose records still circulate is simply outbid.</summary>
        None,

        /// <summary>Another live process holds this identity and started first: this run must stop.</summary>
        ThisRunStops,

        /// <summary>Another live process holds this identity and started later: it stops; this run warns and keeps going.</summary>
        OtherRunStops,
    }

    /// <summary>
    /// Tells an earlier run of this node (a restart: the old process is gone, its records still circulate) from another
    /// live process started from a copy of the same identity file. Both show up the same way at first: an alive record
    /// signed with this node's key, from another run, with a higher incarnation. An earlier run is outbid once per record
    /// and is done: its records are a fixed set. A live process answers each refutation with a new record, and it can
    /// prove its presence: it completes a handshake, signing the fresh transcript with the key. So a run is taken to be
    /// alive when a handshake shows it (<see cref="ProvenAlive"/>), or when its records outbid this node
    /// <see cref="OutbidsForProof"/> times within <see cref="Window"/> (its endpoint may be unreachable from here).
    /// Then the newer run stops (the later start, ties broken by run id: both processes decide alike, from signed
    /// values) and the older one keeps running. A conclusion about a run is given once.
    /// Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class IdentityClash
    {
        /// <summary>Outbids by one run within <see cref="Window"/> that prove it alive: the first record, and two answers to refutations.</summary>
        public const int OutbidsForProof = 3;

        /// <summary>How long outbids of one run add up; also how often its endpoint is dialled to check it.</summary>
        public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

        /// <summary>Runs tracked at most (only holders of the key make runs; the bound keeps a misbehaving one in check).</summary>
        internal const int MaxRuns = 32;

        private readonly Dictionary<RunIdentity, Evidence> _runs = new Dictionary<RunIdentity, Evidence>();

        public IdentityClash(RunIdentity own) => Own = own;

        /// <summary>This node's run.</summary>
        public RunIdentity Own { get; }

        /// <summary>
        /// A record of this identity from <paramref name="other"/> outbid this node's incarnation (it is refuted as
        /// before). <paramref name="verify"/> says to dial the record's endpoint: a live process there proves itself in
        /// the handshake (at most once per run and <see cref="Window"/>).
        /// </summary>
        public ClashVerdict Outbid(RunIdentity other, long monotonicMs, out bool verify)
        {
            verify = false;
            if (other.Equals(Own))
                return ClashVerdict.None;
            var evidence = Track(other, monotonicMs);
            if (evidence.Concluded)
                return ClashVerdict.None;
            verify = !evidence.Verifying;
            evidence.Verifying = true;
            evidence.Outbids++;
            return evidence.Outbids >= OutbidsForProof ? Conclude(other, evidence) : ClashVerdict.None;
        }

        /// <summary>A handshake showed <paramref name="other"/> holding this identity right now.</summary>
        public ClashVerdict ProvenAlive(RunIdentity other, long monotonicMs)
        {
            if (other.Equals(Own))
                return ClashVerdict.None;
            var evidence = Track(other, monotonicMs);
            return evidence.Concluded ? ClashVerdict.None : Conclude(other, evidence);
        }

        /// <summary>Test hook: how many runs are tracked.</summary>
        internal int TrackedRuns => _runs.Count;

        /// <summary>True once a conclusion was reached about <paramref name="other"/>: its records are a live process's.</summary>
        public bool IsKnownClash(RunIdentity other) => _runs.TryGetValue(other, out var evidence) && evidence.Concluded;

        private ClashVerdict Conclude(RunIdentity other, Evidence evidence)
        {
            evidence.Concluded = true;
            return other.IsNewerThan(Own) ? ClashVerdict.OtherRunStops : ClashVerdict.ThisRunStops;
        }

        private Evidence Track(RunIdentity other, long monotonicMs)
        {
            var window = (long)Window.TotalMilliseconds;
            if (_runs.TryGetValue(other, out var evidence))
            {
                if (!evidence.Concluded && monotonicMs - evidence.Since > window)
                {
                    evidence.Since = monotonicMs; // outbids that far apart prove nothing: count afresh
                    evidence.Outbids = 0;
                    evidence.Verifying = false;
                }

                return evidence;
            }

            foreach (var stale in _runs.Where(r => !r.Value.Concluded && monotonicMs - r.Value.Since > window).Select(r => r.Key).ToList())
                _runs.Remove(stale);
            if (_runs.Count >= MaxRuns)
                _runs.Remove(_runs.OrderBy(r => r.Value.Concluded).ThenBy(r => r.Value.Since).First().Key); // keep conclusions: each is given once
            evidence = new Evidence { Since = monotonicMs };
            _runs[other] = evidence;
            return evidence;
        }

        private sealed class Evidence
        {
            public long Since;
            public int Outbids;
            public bool Verifying;
            public bool Concluded;
        }
    }
}
