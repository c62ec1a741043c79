using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Node
{
    /// <summary>
    /// Periodic reports of what the node sees: its member view, a hash of every owner's state as it holds it, and
    /// (less often) its resource use and counters. The controller decides convergence and growth from these.
    /// </summary>
    internal sealed class Reporter
    {
        private static readonly long StatsEveryNs = (long)TimeSpan.FromSeconds(2.5).TotalMilliseconds * 1_000_000;

        private readonly DsnNode _node;
        private readonly NodeOutput _output;
        private int _intervalMs = 500;
        private long _lastStats;

        public Reporter(DsnNode node, NodeOutput output)
        {
            _node = node;
            _output = output;
        }

        /// <summary>The controller asks for frequent reports while it waits for convergence, rare ones otherwise.</summary>
        public void SetInterval(int milliseconds) => Volatile.Write(ref _intervalMs, Math.Clamp(milliseconds, 20, 10_000));

        public async Task LoopAsync(CancellationToken token)
        {
            while (true)
            {
                await Task.Delay(Volatile.Read(ref _intervalMs), token).ConfigureAwait(false);
                Report();
                if (_lastStats == 0 || Monotonic.NowNs - _lastStats >= StatsEveryNs)
                {
                    _lastStats = Monotonic.NowNs;
                    Stats();
                }
            }
        }

        public void Report()
        {
            var peers = _node.GetPeers().OrderBy(p => p.NodeId, StringComparer.Ordinal).ToList();
            var entries = peers.SelectMany(p => _node.GetEntries(p.NodeId).Select(e => (p.NodeId, e.Key, e.Value, e.Version)));
            var digest = StateDigest.OfEntries(entries);
            _output.Line("report", w =>
            {
                w.WriteStartObject("view");
                foreach (var peer in peers)
                    w.WriteString(peer.NodeId, $"{peer.Status}:{peer.Incarnation}");
                w.WriteEndObject();
                w.WriteStartObject("owners");
                foreach (var peer in peers)
                    w.WriteString(peer.NodeId, StateDigest.OfValues(_node.GetState(peer.NodeId)));
                w.WriteEndObject();
                w.WriteString("digest", digest);
            });
        }

        /// <summary>Every owner's state in full, for the checker's account of a write it finds missing.</summary>
        public void Dump()
        {
            var peers = _node.GetPeers().OrderBy(p => p.NodeId, StringComparer.Ordinal).ToList();
            _output.Line("dump", w =>
            {
                w.WriteStartObject("states");
                foreach (var peer in peers)
                {
                    w.WriteStartObject(peer.NodeId);
                    foreach (var entry in _node.GetEntries(peer.NodeId).OrderBy(e => e.Key, StringComparer.Ordinal))
                        w.WriteString(entry.Key, entry.Value);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            });
        }

        private void Stats()
        {
            var counters = _node.GetStatistics().Counters;
            _output.Line("stats", w =>
            {
                w.WriteNumber("rss", ProcessMetrics.ResidentBytes());
                w.WriteNumber("heap", GC.GetTotalMemory(false));
                w.WriteNumber("threads", ProcessMetrics.Threads());
                w.WriteNumber("fds", ProcessMetrics.OpenDescriptors());
                w.WriteStartObject("counters");
                foreach (var pair in counters.OrderBy(c => c.Key, StringComparer.Ordinal))
                    w.WriteNumber(pair.Key, pair.Value);
                w.WriteEndObject();
            });
        }
    }
}
