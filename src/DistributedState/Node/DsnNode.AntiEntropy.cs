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

        /// <summary>
        /// Under <c>_gate</c>: <paramref name="offender"/> sent a copy of <paramref name="owner"/>'s state that did not add
        /// up. Asks someone else with a digest: the owner itself when connected, else another connected peer at random,
        /// else the owner through a new connection. (Each session is asked at most once per anti-entropy interval; the
        /// probe summaries start a digest later if this one is skipped.)
        /// </summary>
        private void RepairElsewhere(PeerSession offender, string owner)
        {
            var target = _sessions.Preferred(owner);
            if (target is null || target == offender)
            {
                var others = new List<string>(1);
                RelayPolicy.ChooseTargets(_sessions.Peers, offender.PeerId, 1, _random, others);
                target = others.Count > 0 ? _sessions.Preferred(others[0]) : null;
            }

            if (target is not null)
                RequestDigest(target);
            else if (!NameRules.SameNodeId(owner, offender.PeerId) && _members.TryGet(owner, out var member) && member.Status == DsnPeerStatus.Alive)
                _ = RepairThroughAsync(owner, member.EndPoint);
        }

        private async Task RepairThroughAsync(string owner, DsnEndpoint endpoint)
        {
            try
            {
                RequestDigest(await GetOrDialAsync(owner, endpoint).ConfigureAwait(false)); // a new connection sent one already
            }
            catch (Exception error)
            {
                _logger.LogDebug("Could not reach {Owner} to repair its state: {Reason}.", owner, error.Message); // probes and digests retry
            }
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
                var members = MemberDigestDiff.Compute(_members, _reaped, digest.Members, NodeId, _incarnation);
                if (members.PeerLacksAnything)
                    session.Send(new MembersMessage(0, members.Alive, members.Accusations, members.Leaves, members.Rebinds));
                if (members.Doubted is { } ofUs)
                    Refute(ofUs.Incarnation, $"{session.PeerId} holds it as {(DsnPeerStatus)ofUs.StatusRank}");

                var state = StateDigestDiff.Compute(_owners, _members, digest.Owners, session.PeerId);
                foreach (var answer in state.Answers)
                {
                    foreach (var message in answer.Messages(_limits.MaxFrameBytes - 4096))
                        session.Send(message);
                }

                if (digest.ReplyWithDigest && (members.WeLack || state.WeLack))
                    session.Send(BuildDigest(0, replyWithDigest: false));
                if (digest.RequestId != 0)
                    session.Send(new DigestDoneMessage(digest.RequestId));
            }
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
