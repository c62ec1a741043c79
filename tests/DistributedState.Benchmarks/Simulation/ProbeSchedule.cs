using System;
using System.Collections.Generic;
using DistributedState.Dissemination;

namespace DistributedState.Benchmarks.Simulation
{
    /// <summary>
    /// Whom each node probes in one probe interval, by the runtime's rule (DsnNode.NextProbeTarget and
    /// UnconnectedProbeTarget): while the network fits in <c>MaxConnections</c>, a round-robin over every member;
    /// beyond it, a round-robin over connected neighbours, every 8th probe going to a random unconnected member instead.
    /// A round-robin is modelled as a uniform pick (the same mean load, without an N × N table of permutations) and
    /// "every 8th" as a one-in-eight chance per interval.
    /// </summary>
    internal sealed class ProbeSchedule
    {
        /// <summary>Guesses before listing the unconnected members; guessing fails only when nearly all are neighbours.</summary>
        private const int UnconnectedGuesses = 64;

        private readonly ConnectionGraph _graph;
        private readonly Random _random;
        private readonly bool _beyondFullMesh;
        private readonly List<int> _unconnected = new List<int>();

        public ProbeSchedule(ConnectionGraph graph, int maxConnections, Random random)
        {
            _graph = graph;
            _random = random;
            _beyondFullMesh = ConnectionPolicy.BeyondFullMesh(graph.NodeCount - 1, maxConnections);
        }

        /// <summary>The member <paramref name="prober"/> probes this interval, or -1 when it has nobody to probe.</summary>
        public int TargetOf(int prober)
        {
            if (!_beyondFullMesh)
                return AnyOtherMember(prober);
            if (_random.Next(ConnectionPolicy.UnconnectedProbeEvery) == 0 && UnconnectedMember(prober) is var unconnected && unconnected >= 0)
                return unconnected;
            var neighbours = _graph.PeersOf(prober);
            return neighbours.Length == 0 ? -1 : neighbours[_random.Next(neighbours.Length)];
        }

        private int AnyOtherMember(int prober)
        {
            var member = _random.Next(_graph.NodeCount - 1);
            return member >= prober ? member + 1 : member;
        }

        /// <summary>A uniformly random member without a connection to <paramref name="prober"/>, or -1 if there is none.</summary>
        private int UnconnectedMember(int prober)
        {
            for (var guess = 0; guess < UnconnectedGuesses; guess++)
            {
                var member = AnyOtherMember(prober);
                if (!_graph.AreConnected(prober, member))
                    return member;
            }

            _unconnected.Clear();
            for (var member = 0; member < _graph.NodeCount; member++)
            {
                if (member != prober && !_graph.AreConnected(prober, member))
                    _unconnected.Add(member);
            }

            return _unconnected.Count == 0 ? -1 : _unconnected[_random.Next(_unconnected.Count)];
        }
    }
}
