using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;

namespace DistributedState
{
    // Bounding what one peer can make this node do. Membership gossip passes the handshake's rules, and its
    // signatures are verified before the node's lock is taken; a session that keeps sending forgeries is closed;
    // digests are answered at a bounded rate per session; the member table and the owners' state stay within caps.
    public sealed partial class DsnNode
    {
        /// <summary>Records or batches with a bad signature tolerated from one session; one more closes it.</summary>
        private const int MaxBadSignatures = 3;

        /// <summary>Refusals that can come by the thousand are logged at most this often (each is counted).</summary>
        private const long RefusalLogIntervalMs = 10_000;

        /// <summary>How many verified batch signatures are remembered (a few hundred bytes each).</summary>
        private const int BatchSignatureCacheSize = 4096;

        private readonly SignatureCache _batchSignatures;
        private readonly TokenBucket _invalidRecordLog = new TokenBucket(1, RefusalLogIntervalMs);
        private readonly TokenBucket _memberCapLog = new TokenBucket(1, RefusalLogIntervalMs);
        private readonly TokenBucket _ownerCapLog = new TokenBucket(1, RefusalLogIntervalMs);

        /// <summary>Membership gossip from a peer: screened off the lock, then applied under it.</summary>
        private void HandleMembers(PeerSession session, MembersMessage message)
        {
            var screened = Screen(session, message);
            if (screened is null)
                return;
            lock (_gate)
                ApplyMembers(session.PeerId, screened, originate: false);
        }

        /// <summary>
        /// Drops alive records that a handshake would refuse (NodeId, endpoint), and verifies the signatures applying
        /// the message will check — of news only, as the member table would — without the node's lock: the records
        /// remember the key that accepted them (<see cref="SignatureVerifier.VerifyOnce"/>), so the table does not
        /// check them again. Forgeries are dropped and counted against the session. Returns what may be applied, or
        /// null when the session was closed for its forgeries.
        /// </summary>
        private MembersMessage? Screen(PeerSession session, MembersMessage message)
        {
            var alive = new List<AliveRecord>(message.Alive.Count);
            foreach (var record in message.Alive)
            {
                var problem = AliveRecordRules.Problem(record, session.RemoteAddress);
                if (problem is null)
                {
                    alive.Add(record);
                    continue;
                }

                _counters.Add(problem.Value.Counter);
                if (_invalidRecordLog.TryTake(MonotonicMs))
                    _logger.LogWarning("Dropped an alive record from {Peer}: {Reason} (such records are counted as {Counter} and logged at most every {Seconds} s).",
                        session.PeerId, problem.Value.Reason, problem.Value.Counter, RefusalLogIntervalMs / 1000);
            }

            var aliveToCheck = new List<AliveRecord>();
            var leavesToCheck = new List<(LeaveRecord Leave, byte[] PublicKey)>();
            lock (_gate)
            {
                foreach (var record in alive)
                {
                    if (WouldCheckSignature(record))
                        aliveToCheck.Add(record);
                }

                foreach (var leave in message.Leaves)
                {
                    if (_members.TryGet(leave.NodeId, out var member) && leave.Incarnation >= member.Incarnation && member.Status != DsnPeerStatus.Left)
                        leavesToCheck.Add((leave, member.Alive.PublicKey));
                }
            }

            HashSet<object>? forged = null;
            foreach (var record in aliveToCheck)
            {
                // A verifier of its own: the key is the one the member table shares (one per key in the process).
                using var verifier = SignatureVerifier.For(record.PublicKey);
                if (!record.IsSignedBy(verifier) && RefuseForgery(session, record, "an alive record", ref forged))
                    return null;
            }

            foreach (var (leave, publicKey) in leavesToCheck)
            {
                using var verifier = SignatureVerifier.For(publicKey);
                if (!leave.IsSignedBy(verifier) && RefuseForgery(session, leave, "a leave", ref forged))
                    return null;
            }

            if (forged is null && alive.Count == message.Alive.Count)
                return message;
            if (forged is not null)
                alive.RemoveAll(forged.Contains);
            var leaves = forged is null ? message.Leaves : message.Leaves.Where(leave => !forged.Contains(leave)).ToList();
            return new MembersMessage(message.RelayBudget, alive, message.Accusations, leaves, message.Rebinds);
        }

        /// <summary>Under <c>_gate</c>: whether applying the record would check its signature (it is news, or a rebind).</summary>
        private bool WouldCheckSignature(AliveRecord record)
        {
            if (NameRules.SameNodeId(record.NodeId, NodeId))
                return FixedTime.Equals(record.PublicKey, 0, _identity.PublicKey, 0, IdentityKey.PublicKeyLength); // see ConsiderAliveRecordOfSelf
            if (_reaped.IsStale(record.NodeId, record.Incarnation))
                return false;
            if (!_members.TryGet(record.NodeId, out var member))
                return _members.Count < _options.MaxMembers;
            return record.Incarnation > member.Incarnation
                || !FixedTime.Equals(record.PublicKey, 0, member.Alive.PublicKey, 0, IdentityKey.PublicKeyLength);
        }

        private bool RefuseForgery(PeerSession session, object record, string what, ref HashSet<object>? forged)
        {
            _counters.Add("members.rejected.bad_signature");
            (forged ??= new HashSet<object>()).Add(record);
            return StrikeBadSignature(session, what);
        }

        /// <summary>
        /// Counts a record or batch with a bad signature against the session it came on. An honest member never sends
        /// one (it relays only what it verified), so beyond <see cref="MaxBadSignatures"/> the session is closed: each
        /// forgery costs a verification, and a frame can hold thousands. Returns true once the session is closed.
        /// </summary>
        private bool StrikeBadSignature(PeerSession session, string what)
        {
            var strikes = session.NoteBadSignature();
            if (strikes <= MaxBadSignatures)
                return false;
            if (strikes == MaxBadSignatures + 1)
            {
                _counters.Add("sessions.closed.bad_signatures");
                _logger.LogWarning("Closing the session with {Peer} at {Remote}: it sent {What} with a bad signature, after {Count} others.",
                    session.PeerId, session.RemoteAddress, what, MaxBadSignatures);
                session.Close($"more than {MaxBadSignatures} records or batches from this peer had bad signatures");
            }

            return true;
        }

        /// <summary>On the session's reader, before any work: false (counted) when the peer asks for digests faster than the rate.</summary>
        private bool AnswersDigestNow(PeerSession session)
        {
            if (session.DigestAnswers.TryTake(MonotonicMs))
                return true;
            _counters.Add("digests.rejected.rate_limited");
            return false;
        }

        /// <summary>
        /// Under <c>_gate</c>: true (counted) while housekeeping waits before dialling a live member again, its last dial
        /// having failed: an endpoint gossip made up is not dialled on every tick (probes still dial it at their pace).
        /// </summary>
        private bool IsBackedOff(string nodeId, long now)
        {
            if (!_members.TryGet(nodeId, out var member) || _dialBackoff.MayDial(member.EndPoint, now))
                return false;
            _counters.Add("dials.backed_off");
            return true;
        }

        /// <summary>Under <c>_gate</c>: why a member not yet known may not join now (the table is full), or null.</summary>
        private string? MemberCapProblem(string nodeId)
        {
            if (_members.TryGet(nodeId, out _) || _members.Count < _options.MaxMembers)
                return null;
            return $"this node knows MaxMembers ({_options.MaxMembers}) members already; '{nodeId}' is not admitted until departed members are forgotten";
        }

        /// <summary>Under <c>_gate</c>: true (counted, logged now and then) when an alive record of a new member exceeds the cap.</summary>
        private bool RefusedByMemberCap(AliveRecord record)
        {
            var problem = MemberCapProblem(record.NodeId);
            if (problem is null)
                return false;
            _counters.Add("members.rejected.too_many");
            if (_memberCapLog.TryTake(MonotonicMs))
                _logger.LogWarning("Refused a new member: {Reason} (refusals are counted as members.rejected.too_many and logged at most every {Seconds} s).",
                    problem, RefusalLogIntervalMs / 1000);
            return true;
        }

        /// <summary>Under <c>_gate</c>: true (counted, logged now and then) when the first state of an owner would exceed MaxOwners.</summary>
        private bool RefusedByOwnerCap(State.OwnerState state)
        {
            if (state.Epoch > 0 || _owners.Values.Count(o => o.Epoch > 0) < _options.MaxOwners)
                return false;
            _counters.Add("batches.rejected.too_many_owners");
            if (_ownerCapLog.TryTake(MonotonicMs))
                _logger.LogWarning("Refused the state of {Owner}: this node holds the state of MaxOwners ({Max}) members already (refusals are counted as batches.rejected.too_many_owners and logged at most every {Seconds} s).",
                    state.Owner, _options.MaxOwners, RefusalLogIntervalMs / 1000);
            return true;
        }
    }
}
