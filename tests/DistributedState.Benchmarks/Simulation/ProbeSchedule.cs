using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Dissemination;
using DistributedState.Membership;

namespace DistributedState.Benchmarks.Simulation
{
    /// <summary>
    /// Whom each simulated node probes in one probe interval: every node runs the runtime's own
    /// <see cref="ProbeScheduler{T}"/> over the member indices, with the connection graph saying who is connected, so
    /// the simulation follows the node's rule by construction rather than by description.
    /// </summary>
    internal sealed class ProbeSchedule
    {
        private readonly ConnectionGraph _graph;
        private readonly bool _beyondFullMesh;
        private readonly IReadOnlyList<int> _members;
        private readonly ProbeScheduler<int>[] _schedulers;

        public ProbeSchedule(ConnectionGraph graph, int maxConnections, Random random)
        {
            _graph = graph;
            _beyondFullMesh = ConnectionPolicy.BeyondFullMesh(graph.NodeCount - 1, maxConnections);
            _members = Enumerable.Range(0, graph.NodeCount).ToArray();
            _schedulers = Enumerable.Range(0, graph.NodeCount).Select(_ => new ProbeScheduler<int>(new Random(random.Next()))).ToArray();
        }

        /// <summary>The member <paramref name="prober"/> probes this interval, or -1 when it has nobody to probe.</summary>
        public int TargetOf(int prober) =>
            _schedulers[prober].TryNext(_members, m => m != prober, m => _graph.AreConnected(prober, m), _beyondFullMesh, out var target)
                ? target
                : -1;
    }
}
