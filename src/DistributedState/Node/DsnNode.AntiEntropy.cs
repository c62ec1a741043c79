using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Dissemination;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Transport;

namespace DistributedState
{
    // Repairing whatever pushes missed: peers exchange digests of what they hold and send each other the
    // difference. Runs on every new connection (that is how a joiner learns the network), when a push reveals a
    // gap, and when a probe's summary shows that two views differ.
    public sealed partial class DsnNode
    {
        /// <summary>Digests waiting for their DigestDone, each bound to the session it went out on.</summary>
        private readonly PendingReplies<uint, PeerSession> _pendingDigests = new PendingReplies<uint, PeerSession>(UnguessableIds.NextUInt32);
        private readonly ViewSummary _summary = new ViewSummary();

        /// <summary>Sends our digest and waits until the peer has sent everything we lacked.</summary>
        private async Task ExchangeDigestAsync(PeerSession session, CancellationToken cancellationToken)
        {
            var (requestId, done) = _pendingDigests.Start(session, session);
            SendDigest(session, requestId);
            try
            {
                using (cancellationToken.Register(() => _pendingDigests.Cancel(requestId)))
                {
                    // Over TCP the answer always comes; over a lossy transport a lost frame must not cost the whole
                    // join timeout, so the digest is sent again until the answer arrives.
                    while (!await CompletesWithin(done, TimeSpan.FromMilliseconds(4 * _options.ProbeTimeout.TotalMilliseconds)).ConfigureAwait(false))
                    {
                        lock (_gate)
                            session.Send(BuildDigest(requestId, replyWithDigest: true));
                    }

                    await done.ConfigureAwait(false);
                }
            }
            finally
            {
                _pendingDigests.Remove(requestId);
            }
        }

        private void SendDigest(PeerSession session, uint requestId)
        {
            lock (_gate)
            {
                session.LastDigestAt = MonotonicMs;
                session.Send(BuildDigest(requestId, replyWithDigest: true));
            }
        }

        /// <summary>Asks a peer for what we lack, at most once per anti-entropy interval per session.</summary>
        private void RequestDigest(PeerSession session)
        {
            if (MonotonicMs - session.LastDigestAt < _options.AntiEntropyInterval.TotalMilliseconds)
                return;
            SendDigest(session, 0);
        }

        private DigestMessage BuildDigest(uint requestId, bool replyWithDigest)
        {
            var members = new List<MemberDigest>(_members.Count);
            foreach (var member in _members.All)
                members.Add(new MemberDigest(member.NodeId, member.Incarnation, member.Rank));
            var owners = new List<OwnerDigest>(_owners.Count);
            foreach (var owner in _owners.Values)
            {
                if (owner.IsPublished)
                    owners.Add(new OwnerDigest(owner.Owner, owner.Epoch, owner.Version));
            }

            return new DigestMessage(requestId, replyWithDigest, members, owners);
        }

        /// <summary>Sends the peer every membership statement and batch it lacks, then (if asked) our own digest.</summary>
        private void HandleDigest(PeerSession session, DigestMessage digest)
        {
            if (!AnswersDigestNow(session))
                return;
            // Writes made before the peer asked are part of the state it is asking for (a joiner holds the current
            // state when its start returns), even if the flush loop has not signed them yet.
            FlushPendingWrites();
            lock (_gate)
            {
                NotePreviousRun(digest.Owners);
                var theirMembers = new Dictionary<string, MemberDigest>(NameRules.NodeIdComparer);
                foreach (var entry in digest.Members)
                    theirMembers[entry.NodeId] = entry;
                var weLack = SendMissingMembers(session, theirMembers);
                weLack |= SendMissingState(session, digest.Owners);
                if (digest.ReplyWithDigest && weLack)
                    session.Send(BuildDigest(0, replyWithDigest: false));
                if (digest.RequestId != 0)
                    session.Send(new DigestDoneMessage(digest.RequestId));
            }
        }

        /// <summary>Returns true when the peer knows something of membership that we do not.</summary>
        private bool SendMissingMembers(PeerSession session, Dictionary<string, MemberDigest> theirs)
        {
            var alive = new List<AliveRecord>();
            var accusations = new List<Accusation>();
            var leaves = new List<LeaveRecord>();
            var rebinds = new List<RebindRecord>();
            foreach (var member in _members.All)
            {
                var known = theirs.TryGetValue(member.NodeId, out var their);
                if (!known || their.Incarnation < member.Alive.Incarnation)
                {
                    alive.Add(member.Alive);
                    // A peer that still holds the NodeId's previous key needs the re-bind to take this one.
                    if (member.Rebind is not null)
                        rebinds.Add(member.Rebind);
                }

                if (member.Status == DsnPeerStatus.Alive)
                    continue;
                if (known && (their.Incarnation > member.Incarnation || (their.Incarnation == member.Incarnation && their.StatusRank >= member.Rank)))
                    continue;
                if (member.Status == DsnPeerStatus.Left && member.Leave is not null)
                    leaves.Add(member.Leave);
                else if (member.Accusation is not null)
                    accusations.Add(member.Accusation); // as its reporter signed it: we cannot vouch in another's name
            }

            if (alive.Count + accusations.Count + leaves.Count > 0)
                session.Send(new MembersMessage(0, alive, accusations, leaves, rebinds));

            // The peer suspects this node, or holds it failed: refute. (A higher incarnation is not taken from an
            // unsigned digest; it arrives as a signed alive record.)
            if (theirs.TryGetValue(NodeId, out var ofUs) && ofUs.Incarnation == _incarnation && ofUs.StatusRank > 0)
                Refute(ofUs.Incarnation, $"{session.PeerId} holds it as {(DsnPeerStatus)ofUs.StatusRank}");

            foreach (var their in theirs.Values)
            {
                if (!_members.TryGet(their.NodeId, out var member))
                {
                    if (!_reaped.Contains(their.NodeId))
                        return true;
                }
                else if (their.Incarnation > member.Incarnation || (their.Incarnation == member.Incarnation && their.StatusRank > member.Rank))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Returns true when the peer holds state that we do not.</summary>
        private bool SendMissingState(PeerSession session, IReadOnlyList<OwnerDigest> theirOwners)
        {
            var theirs = new Dictionary<string, OwnerDigest>(NameRules.NodeIdComparer);
            foreach (var entry in theirOwners)
                theirs[entry.Owner] = entry;

            foreach (var owner in _owners.Values)
            {
                if (!owner.IsPublished)
                    continue;
                var known = theirs.TryGetValue(owner.Owner, out var their);
                if (known && their.Epoch > owner.Epoch && !owner.IsNewerRun(their.Epoch) && NameRules.SameNodeId(owner.Owner, session.PeerId))
                {
                    // The owner runs an epoch below versions of its own that we hold (its clock is behind): it must
                    // see them to rebase above them, since versions never go backwards.
                    foreach (var chunk in ChunkForFrames(owner.BatchesAfter(0, 0)))
                        session.Send(new SyncMessage(owner.Owner, 0, chunk));
                    continue;
                }

                if (known && (their.Epoch > owner.Epoch || (their.Epoch == owner.Epoch && their.Version >= owner.Version)))
                    continue;
                var from = known && their.Epoch == owner.Epoch ? their.Version : 0;
                var batches = owner.BatchesAfter(known ? their.Epoch : 0, from);
                foreach (var chunk in ChunkForFrames(batches))
                    session.Send(new SyncMessage(owner.Owner, from, chunk));
            }

            foreach (var their in theirs.Values)
            {
                if (!_owners.TryGetValue(their.Owner, out var owner))
                {
                    if (_members.TryGet(their.Owner, out _))
                        return true;
                }
                else if (owner.IsNewerRun(their.Epoch) || (their.Epoch == owner.Epoch && their.Version > owner.Version))
                {
                    return true;
                }
            }

            return false;
        }

        private IEnumerable<List<SignedBatch>> ChunkForFrames(List<SignedBatch> batches)
        {
            var budget = _limits.MaxFrameBytes - 4096;
            var chunk = new List<SignedBatch>();
            long size = 0;
            foreach (var batch in batches)
            {
                if (chunk.Count > 0 && size + batch.Size > budget)
                {
                    yield return chunk;
                    chunk = new List<SignedBatch>();
                    size = 0;
                }

                chunk.Add(batch);
                size += batch.Size;
            }

            if (chunk.Count > 0)
                yield return chunk;
        }

        private void HandleDigestDone(PeerSession session, DigestDoneMessage done)
        {
            // Only the session the digest went out on may answer it; a late answer to a resent digest finds nothing too.
            if (!_pendingDigests.TryComplete(done.RequestId, session, out _))
                _counters.Add("digests.done.unmatched");
        }

        private void FailPendingDigests(PeerSession session) =>
            _pendingDigests.Fail(responder => responder == session, () => new IOException(
                $"the peer closed the connection before sending the network's state ({session.CloseReason}); if it was the peer's choice, its log says why: an allow-list that does not admit this node, or its NodeId already in use with another key"));

        /// <summary>This node's <see cref="ViewSummary"/>; call under the lock (every change of the view pulses <c>_changed</c> under it).</summary>
        private ulong Summary() => _summary.Get(_changed.Generation, _members.All, _owners.Values);
    }
}
