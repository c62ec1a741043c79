using System;
using DistributedState.Internal;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Sessions;
using DistributedState.Dissemination;
using DistributedState.Protocol;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState
{
    // Keeping the number of connections bounded. Beyond MaxConnections members a node cannot stay connected to
    // everyone: probes and direct messages still dial any member, and other members dial in, so without a bound every
    // node would end up holding a connection to every member. Housekeeping sheds the surplus: it tells the peer
    // (ShedMessage) and closes, and the peer neither takes that as a failure nor dials back for a while.
    public sealed partial class DsnNode
    {
        /// <summary>How long a node does not dial a peer that shed its connection (probes and direct messages still may).</summary>
        private const long ShedHoldOffMs = 30_000;

        private readonly HoldOffs _heldOff = new HoldOffs();
        /// <summary>Probes in flight per member: a peer being probed is not shed.</summary>
        private readonly RefCounts _probesInFlight = new RefCounts(NameRules.NodeIdComparer);

        private bool OverConnectionCap => _sessions.PeerCount > _options.MaxConnections;

        /// <summary>True when there are more live members than this node may connect to.</summary>
        private bool BeyondFullMesh => ConnectionPolicy.BeyondFullMesh(LiveOtherMembers, _options.MaxConnections);

        /// <summary>Members that have not departed, this node excluded.</summary>
        private int LiveOtherMembers
        {
            get
            {
                RequireGate();
                return _members.All.Count(m => !m.IsDeparted) - 1;
            }
        }

        /// <summary>How many peers this node dials up to (see <see cref="ConnectionPolicy.DialTarget"/>).</summary>
        private int DialTarget() => ConnectionPolicy.DialTarget(LiveOtherMembers, _options.MaxConnections);

        /// <summary>How many peers this node holds a connection to (for tests and the benchmark harness).</summary>
        internal int ConnectedPeerCount
        {
            get
            {
                lock (_gate)
                    return _sessions.PeerCount;
            }
        }

        /// <summary>
        /// From housekeeping: sheds random peers until at most <c>MaxConnections</c> remain. Random,
        /// not newest-first, so a joiner that every full member would shed keeps about as many connections as anyone.
        /// A connection younger than the duplicate grace period (its join or digest may be under way) and a peer being
        /// probed are left alone this time.
        /// </summary>
        private void ShedSurplusConnections(long now)
        {
            RequireGate();
            _heldOff.Expire(now);
            var surplus = _sessions.PeerCount - _options.MaxConnections;
            if (surplus <= 0)
                return;
            var candidates = _sessions.PeersSettledFor(now, DuplicateSessionGraceMs).Where(peer => !_probesInFlight.Contains(peer)).ToList();
            for (var i = 0; i < surplus && candidates.Count > 0; i++)
            {
                var pick = _random.Next(candidates.Count);
                ShedConnectionsTo(candidates[pick]);
                candidates.RemoveAt(pick);
            }
        }

        /// <summary>Tells the peer why, then closes every connection to it once that is sent.</summary>
        private void ShedConnectionsTo(string nodeId)
        {
            RequireGate();
            var sessions = _sessions.To(nodeId);
            if (sessions.Count == 0)
                return;
            var shed = MessageCodec.Encode(ShedMessage.Instance);
            foreach (var session in sessions)
                session.SendThenClose(shed, $"shed: this node holds more than MaxConnections ({_options.MaxConnections}) connections");
            _counters.Add("sessions.shed");
        }

        private void HandleShed(PeerSession session)
        {
            session.MarkShed();
            lock (_gate)
                _heldOff.HoldOff(session.PeerId, MonotonicMs + ShedHoldOffMs);
            _counters.Add("sessions.shed_by_peer");
            _logger.LogDebug("{Peer} shed its connection to this node: it holds more than its connection cap.", session.PeerId);
            session.Close("the peer shed the connection: it holds more than its MaxConnections");
        }

        /// <summary>
        /// After a probe: a connection the probe had to open beyond the cap served its purpose, so it goes at once
        /// rather than displacing a neighbour at the next housekeeping.
        /// </summary>
        private void ShedProbeConnectionIfSurplus(string nodeId, bool dialled)
        {
            lock (_gate)
            {
                _probesInFlight.Release(nodeId);
                if (dialled && OverConnectionCap)
                    ShedConnectionsTo(nodeId);
            }
        }
    }
}
