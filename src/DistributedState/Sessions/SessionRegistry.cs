using System.Collections.Generic;
using System.Linq;
using DistributedState.Internal;

namespace DistributedState.Sessions
{
    /// <summary>
    /// The open sessions of one node, by peer, and the rule for choosing among them. Two sessions to one peer exist when
    /// both sides dialled at once; both ends then send on the one opened by the smaller NodeId and close the other
    /// after a grace period, so the pair settles on one connection without talking about it.
    /// Not thread-safe: the node calls it under its lock, together with the member table it is consulted with.
    /// </summary>
    /// <typeparam name="TSession">The session type (<see cref="PeerSession"/>; tests use a plain stand-in).</typeparam>
    internal sealed class SessionRegistry<TSession> where TSession : class, IRegisteredSession
    {
        private readonly Dictionary<string, List<TSession>> _byPeer = new Dictionary<string, List<TSession>>(NameRules.NodeIdComparer);
        private readonly string _selfId;

        /// <param name="selfId">This node's NodeId, for the tie-break between two sessions to one peer.</param>
        public SessionRegistry(string selfId) => _selfId = selfId;

        /// <summary>How many peers this node holds at least one session to.</summary>
        public int PeerCount => _byPeer.Count;

        /// <summary>The peers this node holds at least one session to.</summary>
        public IReadOnlyCollection<string> Peers => _byPeer.Keys;

        /// <summary>Whether this node holds a session to the peer (open or closing).</summary>
        public bool IsConnected(string nodeId) => _byPeer.ContainsKey(nodeId);

        /// <summary>Registers a session that just passed its handshake.</summary>
        public void Add(TSession session)
        {
            if (!_byPeer.TryGetValue(session.PeerId, out var list))
                _byPeer[session.PeerId] = list = new List<TSession>();
            list.Add(session);
        }

        /// <summary>Forgets a closed session.</summary>
        public void Remove(TSession session)
        {
            if (_byPeer.TryGetValue(session.PeerId, out var list) && list.Remove(session) && list.Count == 0)
                _byPeer.Remove(session.PeerId);
        }

        /// <summary>The sessions to one peer (a copy).</summary>
        public IReadOnlyList<TSession> To(string nodeId) =>
            _byPeer.TryGetValue(nodeId, out var list) ? list.ToList() : (IReadOnlyList<TSession>)new TSession[0];

        /// <summary>Every session (a copy).</summary>
        public List<TSession> All() => _byPeer.Values.SelectMany(list => list).ToList();

        /// <summary>
        /// The session to send on: the open one opened by the smaller NodeId of the pair, else any open one, else null.
        /// </summary>
        public TSession? Preferred(string nodeId)
        {
            if (!_byPeer.TryGetValue(nodeId, out var list))
                return null;
            var weInitiate = NameRules.NodeIdComparer.Compare(_selfId, nodeId) < 0;
            TSession? fallback = null;
            foreach (var session in list)
            {
                if (!session.IsOpen)
                    continue;
                if (session.Initiated == weInitiate)
                    return session;
                fallback ??= session;
            }

            return fallback;
        }

        /// <summary>Closes the sessions beside each preferred one once the preferred one is <paramref name="graceMs"/> old.</summary>
        public void CloseDuplicates(long now, long graceMs)
        {
            foreach (var pair in _byPeer)
            {
                if (pair.Value.Count < 2)
                    continue;
                var preferred = Preferred(pair.Key);
                if (preferred is null || now - preferred.OpenedAt < graceMs)
                    continue;
                foreach (var other in pair.Value.ToList())
                {
                    if (other != preferred)
                        other.Close("duplicate connection");
                }
            }
        }

        /// <summary>Closes every session to the peer.</summary>
        public void CloseTo(string nodeId, string reason)
        {
            foreach (var session in To(nodeId))
                session.Close(reason);
        }

        /// <summary>Peers all of whose sessions are at least <paramref name="minAgeMs"/> old (candidates for shedding).</summary>
        public List<string> PeersSettledFor(long now, long minAgeMs) =>
            _byPeer.Where(pair => pair.Value.All(s => now - s.OpenedAt >= minAgeMs)).Select(pair => pair.Key).ToList();
    }
}
