using System;
using System.Collections.Generic;
using DistributedState.Dissemination;

namespace DistributedState.Benchmarks.Simulation
{
    /// <summary>
    /// The runtime's state dissemination for one write at a time, in virtual time, on a <see cref="ConnectionGraph"/>:
    /// the relay decisions are the runtime's own (<see cref="RelayPolicy"/>); what is left out is everything that
    /// costs real time — crypto, sessions, timers, failure detection, the network's latency.
    /// <list type="number">
    /// <item>Push, one round per network hop: the writer sends the batch to every connected peer with
    /// <see cref="RelayPolicy.InitialBudget"/>; a node that receives a batch it does not hold applies it and, while the
    /// budget is above zero, relays it with one less to the peers <see cref="RelayPolicy.ChooseTargets"/> picks; a
    /// duplicate is dropped, not relayed (DsnNode.HandlePush).</item>
    /// <item>Anti-entropy, one round per probe interval, for the nodes the push missed: every node probes one member
    /// (<see cref="ProbeSchedule"/>, the runtime's own scheduler); Ping and Ack carry 64-bit summaries, which differ exactly when one of the two
    /// holds the write. Probes are idle traffic and not counted; what a differing summary starts is (DsnNode.HandleAck,
    /// HandleDigest): a prober that lacks the write sends a Digest and gets a Sync (2 frames); a prober that holds it
    /// sends a Digest, the peer answers with its own Digest because it knows less, and gets a Sync (3 frames).</item>
    /// </list>
    /// </summary>
    internal sealed class DisseminationSimulation
    {
        /// <summary>Far beyond what anti-entropy needs (one or two probe intervals); reaching it is a modelling error.</summary>
        private const int MaxProbePeriods = 1000;
        private const int FramesWhenBehindProbes = 2;
        private const int FramesWhenAheadProbes = 3;

        private readonly ConnectionGraph _graph;
        private readonly ProbeSchedule _probes;
        private readonly Random _random;
        private readonly int _fanout;
        private readonly bool[] _holds;
        private readonly List<int> _targets = new List<int>();
        private readonly List<int> _repaired = new List<int>();
        private List<Delivery> _arriving = new List<Delivery>();
        private List<Delivery> _sending = new List<Delivery>();

        public DisseminationSimulation(ConnectionGraph graph, int maxConnections, Random random)
        {
            _graph = graph;
            _probes = new ProbeSchedule(graph, maxConnections, random);
            _random = random;
            _holds = new bool[graph.NodeCount];
            // Every node knows every member, itself included (DsnNode.RelayFanout passes _members.Count).
            _fanout = RelayPolicy.Fanout(graph.NodeCount);
        }

        /// <summary>The relay fanout every node uses in this network.</summary>
        public int Fanout => _fanout;

        /// <summary>Spreads one write of <paramref name="writer"/> until every node holds it.</summary>
        public WriteOutcome Write(int writer)
        {
            Array.Clear(_holds);
            _holds[writer] = true;
            var push = Push(writer, out var budget, out var rounds, out var reached);
            var repair = Repair(out var repaired, out var periods);
            return new WriteOutcome(budget, push, rounds, reached, repair, repaired, periods);
        }

        /// <summary>Returns the push and relay frames sent.</summary>
        private long Push(int writer, out byte budget, out int lastRound, out int reached)
        {
            var writerPeers = _graph.PeersOf(writer);
            // The writer knows every member and none has departed: live members other than itself are N - 1.
            budget = RelayPolicy.InitialBudget(_graph.NodeCount - 1, writerPeers.Length);
            _arriving.Clear();
            foreach (var peer in writerPeers)
                _arriving.Add(new Delivery(peer, writer, budget));
            long frames = writerPeers.Length;
            lastRound = 0;
            reached = 0;

            // Bounded: every hop lowers the budget, and nothing is relayed at zero, so there are at most budget + 1 rounds.
            for (var round = 1; _arriving.Count > 0; round++)
            {
                // Arrivals within one hop come in no particular order; whichever comes first is the one the node
                // relays (and excludes as the sender), the others are its duplicates.
                Shuffle(_arriving);
                _sending.Clear();
                foreach (var delivery in _arriving)
                {
                    if (_holds[delivery.To])
                        continue;
                    _holds[delivery.To] = true;
                    reached++;
                    lastRound = round;
                    if (delivery.Budget == 0)
                        continue;
                    RelayPolicy.ChooseTargets(_graph.PeersOf(delivery.To), delivery.From, _fanout, _random, _targets);
                    foreach (var target in _targets)
                        _sending.Add(new Delivery(target, delivery.To, (byte)(delivery.Budget - 1)));
                    frames += _targets.Count;
                }

                (_arriving, _sending) = (_sending, _arriving);
            }

            return frames;
        }

        /// <summary>Returns the anti-entropy frames that brought the write to every node the push missed.</summary>
        private long Repair(out int repairedTotal, out int periods)
        {
            var nodes = _graph.NodeCount;
            var behind = 0;
            foreach (var holds in _holds)
            {
                if (!holds)
                    behind++;
            }

            repairedTotal = behind;
            periods = 0;
            long frames = 0;
            while (behind > 0)
            {
                if (++periods > MaxProbePeriods)
                    throw new InvalidOperationException($"anti-entropy left {behind} of {nodes} nodes without the write after {MaxProbePeriods} probe intervals");

                // Within one probe interval the probes run concurrently: a node repaired in it answers later probes
                // of the same interval with its old summary, so repairs are applied at the interval's end.
                _repaired.Clear();
                for (var prober = 0; prober < nodes; prober++)
                {
                    var target = _probes.TargetOf(prober);
                    if (target < 0)
                        continue;
                    var proberHolds = _holds[prober];
                    if (proberHolds == _holds[target])
                        continue; // equal summaries: nothing to repair
                    frames += proberHolds ? FramesWhenAheadProbes : FramesWhenBehindProbes;
                    _repaired.Add(proberHolds ? target : prober);
                }

                foreach (var node in _repaired)
                {
                    if (_holds[node])
                        continue; // repaired twice in one interval: both exchanges were counted, it applies once
                    _holds[node] = true;
                    behind--;
                }
            }

            return frames;
        }

        private void Shuffle(List<Delivery> list)
        {
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = _random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }

        /// <summary>A push frame in flight: to whom, from whom, and the relay budget it carries.</summary>
        private readonly struct Delivery
        {
            public Delivery(int to, int from, byte budget)
            {
                To = to;
                From = from;
                Budget = budget;
            }

            public int To { get; }

            public int From { get; }

            public byte Budget { get; }
        }
    }
}
