using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.State;

namespace DistributedState
{
    // Leases and staleness: values that expire on every node, and when each member was last heard from.
    public sealed partial class DsnNode
    {
        /// <summary>Every leased value this node holds, in order of expiry on its monotonic clock.</summary>
        private readonly LeaseTimetable _leases;

        /// <summary>The lease in milliseconds of a write that names none: <see cref="DsnNodeOptions.DefaultTimeToLive"/>, or 0.</summary>
        private uint DefaultLeaseMs => _options.DefaultTimeToLive is { } lease ? LeaseRule.ToLeaseMs(lease) : 0;

        /// <summary>The lease in milliseconds of a write with <paramref name="timeToLive"/> (0: none), or a DsnArgumentException.</summary>
        private static uint LeaseMs(TimeSpan timeToLive)
        {
            if (LeaseRule.TimeToLiveProblem(timeToLive) is { } problem)
                throw new DsnArgumentException(DsnArgument.TimeToLive, "TimeToLive " + problem, "timeToLive");
            return LeaseRule.ToLeaseMs(timeToLive);
        }

        /// <summary>
        /// Under <c>_gate</c>, on every maintenance tick: expires the leases due. Another owner's value is hidden and its
        /// expiry reported, nothing signed changes (holders that expire it a tick apart still agree with the owner's
        /// commitment). This node's own value is removed with a lapsed tombstone, an ordinary signed removal, so holders
        /// retire it too and report it as an expiry if their own clock had not yet.
        /// </summary>
        private void ExpireLeases()
        {
            RequireGate();
            var due = _leases.TakeDue(_leases.Now);
            if (due.Count == 0)
                return;
            var changes = new List<StateChange>();
            var ownExpired = false;
            foreach (var lease in due)
            {
                if (!_owners.TryGetValue(lease.Owner, out var owner))
                    continue;
                if (owner != _own)
                {
                    owner.Expire(lease.Key, lease.ExpiresAt, changes);
                }
                else if (_own.HoldsLease(lease.Key, lease.ExpiresAt))
                {
                    _own.WriteLocal(lease.Key, null, _clock.Next(), changes, lapsed: true);
                    ownExpired = true;
                }
            }

            _counters.Add("leases.expired", changes.Count);
            RaiseStateChanges(changes);
            if (ownExpired)
                _flushSignal.Release();
        }

        /// <summary>Under <c>_gate</c>: when this node last heard from a member (now for itself), on its wall clock.</summary>
        private DateTimeOffset? LastHeard(Member member)
        {
            if (NameRules.SameNodeId(member.NodeId, NodeId))
                return DateTimeOffset.UtcNow;
            var heard = member.LastHeardMs;
            foreach (var session in _sessions.To(member.NodeId))
                heard = Math.Max(heard, session.LastReceivedAt);
            return heard == long.MinValue ? null : _leases.ToWallClock(heard);
        }

        /// <summary>Under <c>_gate</c>: a held entry as the public type, with its lease, age and the owner's last news.</summary>
        private DsnDataEntry ToEntry(Member owner, HeldEntry entry, DateTimeOffset now)
        {
            var written = HybridClock.ToTime(entry.Version);
            TimeSpan? timeToLive = entry.HasLease ? TimeSpan.FromMilliseconds(entry.LeaseMs) : null;
            DateTimeOffset? expiresAt = entry.HasLease ? _leases.ToWallClock(entry.ExpiresAt) : null;
            var age = now > written ? now - written : TimeSpan.Zero;
            return new DsnDataEntry(owner.NodeId, entry.Key, entry.Value, entry.Version, owner.Status, written, age, timeToLive, expiresAt, LastHeard(owner));
        }

        /// <summary>Under <c>_gate</c>: entries of a member as the public type.</summary>
        private List<DsnDataEntry> ToEntries(Member owner, IEnumerable<HeldEntry> entries)
        {
            var now = DateTimeOffset.UtcNow;
            return entries.Select(e => ToEntry(owner, e, now)).ToList();
        }
    }
}
