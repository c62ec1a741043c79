using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Dissemination;

namespace DistributedState.Benchmarks.Simulation
{
    /// <summary>
    /// Who holds a session with whom in a simulated network, once connections have settled, built by the runtime's
    /// connection rules (DsnNode.FailureDetection: ConnectToEveryone, MembersToDial; DsnNode.ConnectionLimit):
    /// <list type="bullet">
    /// <item>nodes join one at a time through one random live member (the bootstrap), then dial random live members
    /// they are not connected to up to the dial target: <c>MaxConnections</c> while the network fits in it, three
    /// quarters of it beyond;</item>
    /// <item>connections are accepted from anyone; a node holding more than <c>MaxConnections</c> sheds random peers
    /// down to the cap, and a shed peer does not dial the shedder again (the runtime holds off 30 s; here, for the
    /// whole settling) but dials on elsewhere if that left it below its dial target.</item>
    /// </list>
    /// The runtime dials in random order beyond the full mesh: in member-table order (oldest first, as it once did) this
    /// model needed 12 and 23 times as many sheds at 1,000 and 2,000 nodes, a cascade per join growing quadratically
    /// with N. Timing (dial delays, the 2 s grace before a connection may be shed, the probes' short-lived extra
    /// connections) is left out. Nodes are numbered 0..N-1 in join order;
    /// one array of peer numbers per node keeps 10,000 nodes within a few MB.
    /// </summary>
    internal sealed class ConnectionGraph
    {
        private readonly int[][] _peers;

        private ConnectionGraph(int[][] peers, long sheds)
        {
            _peers = peers;
            Sheds = sheds;
        }

        /// <summary>How many nodes the network has.</summary>
        public int NodeCount => _peers.Length;

        /// <summary>Mean sessions per node (each session counts at both ends).</summary>
        public double AverageSessions => _peers.Average(p => (double)p.Length);

        /// <summary>The most sessions any node holds.</summary>
        public int MaxSessions => _peers.Max(p => p.Length);

        /// <summary>The fewest sessions any node holds.</summary>
        public int MinSessions => _peers.Min(p => p.Length);

        /// <summary>Connections shed while the network formed.</summary>
        public long Sheds { get; }

        /// <summary>The nodes <paramref name="node"/> holds a session with, each once, in ascending order.</summary>
        public int[] PeersOf(int node) => _peers[node];

        /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold a session with each other.</summary>
        public bool AreConnected(int a, int b) => Array.BinarySearch(_peers[a], b) >= 0;

        /// <summary>Builds the settled graph of <paramref name="nodeCount"/> nodes under a connection cap of <paramref name="maxConnections"/>.</summary>
        public static ConnectionGraph Build(int nodeCount, int maxConnections, Random random)
        {
            if (nodeCount < 2)
                throw new ArgumentOutOfRangeException(nameof(nodeCount), nodeCount, "a network needs at least two nodes");
            var network = new Formation(nodeCount, maxConnections, random);
            for (var joiner = 1; joiner < nodeCount; joiner++)
                network.Join(joiner);
            var peers = network.Peers.Select(p => p.ToArray()).ToArray();
            foreach (var mine in peers)
                Array.Sort(mine); // for AreConnected; relay targets are drawn uniformly whatever the order
            return new ConnectionGraph(peers, network.Sheds);
        }

        /// <summary>The network while it forms: sessions, hold-offs, and the nodes whose connections need attention.</summary>
        private sealed class Formation
        {
            private readonly int _maxConnections;
            private readonly Random _random;
            private readonly HashSet<long> _heldOff = new HashSet<long>();
            private readonly Queue<int> _unsettled = new Queue<int>();
            private readonly bool[] _connected;
            private readonly int[] _candidates;
            private readonly long _maxActions;
            private long _actions;
            private int _liveMembers = 1;

            public Formation(int nodeCount, int maxConnections, Random random)
            {
                _maxConnections = maxConnections;
                _random = random;
                Peers = new List<int>[nodeCount];
                for (var i = 0; i < nodeCount; i++)
                    Peers[i] = new List<int>();
                _connected = new bool[nodeCount];
                _candidates = new int[nodeCount];
                // A settled network needs about one dial per connection; shedding cascades add some. Far more means
                // the rules do not settle, which is worth an error rather than an endless loop.
                _maxActions = 1000L * nodeCount * maxConnections;
            }

            public List<int>[] Peers { get; }

            public long Sheds { get; private set; }

            public void Join(int joiner)
            {
                _liveMembers = joiner + 1;
                Connect(joiner, _random.Next(joiner)); // the bootstrap it joins through
                Settle();
            }

            /// <summary>The runtime's rule: <see cref="ConnectionPolicy.DialTarget"/>.</summary>
            private int DialTarget() => ConnectionPolicy.DialTarget(_liveMembers - 1, _maxConnections);

            /// <summary>Housekeeping on every node whose connections changed, until none is over the cap or can dial more.</summary>
            private void Settle()
            {
                while (_unsettled.Count > 0)
                {
                    var node = _unsettled.Dequeue();
                    ShedSurplus(node);
                    DialUpToTarget(node);
                }
            }

            private void ShedSurplus(int node)
            {
                var mine = Peers[node];
                while (mine.Count > _maxConnections)
                {
                    var shed = mine[_random.Next(mine.Count)];
                    Disconnect(node, shed);
                    _heldOff.Add(Pair(shed, node));
                    Sheds++;
                    _unsettled.Enqueue(shed);
                }
            }

            /// <summary>Dials random live members, skipping those connected already or holding this node off.</summary>
            private void DialUpToTarget(int node)
            {
                var mine = Peers[node];
                var wanted = Math.Min(DialTarget(), _liveMembers - 1) - mine.Count;
                if (wanted <= 0)
                    return;
                foreach (var peer in mine)
                    _connected[peer] = true;
                var count = 0;
                for (var member = 0; member < _liveMembers; member++)
                {
                    if (member != node && !_connected[member] && !_heldOff.Contains(Pair(node, member)))
                        _candidates[count++] = member;
                }

                foreach (var peer in mine)
                    _connected[peer] = false;
                for (var i = 0; i < wanted && i < count; i++)
                {
                    var pick = _random.Next(i, count); // partial Fisher-Yates: distinct, uniformly random
                    (_candidates[i], _candidates[pick]) = (_candidates[pick], _candidates[i]);
                    Connect(node, _candidates[i]);
                }
            }

            /// <summary>Opens a session; both ends then need housekeeping (the accepting end may be over the cap now).</summary>
            private void Connect(int a, int b)
            {
                if (++_actions > _maxActions)
                    throw new InvalidOperationException($"connections did not settle after {_maxActions:N0} dials among {_liveMembers} nodes");
                Peers[a].Add(b);
                Peers[b].Add(a);
                _unsettled.Enqueue(a);
                _unsettled.Enqueue(b);
            }

            private void Disconnect(int a, int b)
            {
                Peers[a].Remove(b);
                Peers[b].Remove(a);
            }

            /// <summary>The key of "<paramref name="dialler"/> does not dial <paramref name="peer"/>".</summary>
            private long Pair(int dialler, int peer) => (long)dialler * Peers.Length + peer;
        }
    }
}
