using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.Benchmarks.Harness
{
    internal enum FailureKind
    {
        Graceful,
        Crash,
        Freeze,
    }

    /// <summary>What the failure scenario needs from a cluster, whether its nodes live in this process or in children.</summary>
    internal interface IFailureCluster : IAsyncDisposable
    {
        StatusLog Log { get; }
        Pulse Pulse { get; }
        IReadOnlyList<string> LiveIds { get; }
        Task AddManyAsync(IReadOnlyList<string> ids);
        Task WaitAllAliveAsync(TimeSpan timeout);
        /// <summary>Stops, kills or freezes a node; returns the timestamp just before the act. A stopped or killed node leaves the live set.</summary>
        Task<long> ActAsync(string id, FailureKind kind);
        Task<long> ThawAsync(string id);
    }

    /// <summary>Real nodes on 127.0.0.1 with ephemeral ports in this process, as the tests start them.</summary>
    internal sealed class InProcessCluster : IFailureCluster
    {
        private readonly List<DsnNode> _live = new List<DsnNode>();
        private readonly List<DsnNode> _all = new List<DsnNode>();
        private readonly Random _random = new Random(4711);

        public DsnNetworkKey Key { get; } = DsnNetworkKey.Generate();
        public Pulse Pulse { get; } = new Pulse();
        public StatusLog Log { get; } = new StatusLog();

        /// <summary>Optional tweaks applied to every node's options (defaults otherwise: the design's timings).</summary>
        public Action<DsnNodeOptions>? Configure { get; set; }

        public IReadOnlyList<DsnNode> Nodes
        {
            get
            {
                lock (_live)
                    return _live.ToList();
            }
        }

        public IReadOnlyList<string> LiveIds => Nodes.Select(n => n.NodeId).ToList();

        public DsnNode Node(string id) => Nodes.First(n => n.NodeId == id);

        public DsnNodeOptions Options(string id)
        {
            var options = new DsnNodeOptions
            {
                NodeId = id,
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = Key,
                PersistIdentity = false,
                JoinTimeout = TimeSpan.FromSeconds(20),
            };
            var live = Nodes;
            foreach (var node in live.OrderBy(_ => _random.Next()).Take(2))
                options.BootstrapNodes.Add(node.AdvertisedEndPoint);
            Configure?.Invoke(options);
            return options;
        }

        /// <summary>Starts a node (joined through up to two random live members) and wires its events to the log and the pulse.</summary>
        public async Task<DsnNode> AddAsync(string id, DsnNodeOptions? options = null)
        {
            var node = await DsnNode.StartAsync(options ?? Options(id)).ConfigureAwait(false);
            Attach(node);
            lock (_live)
            {
                _live.Add(node);
                _all.Add(node);
            }

            return node;
        }

        public void Attach(DsnNode node)
        {
            node.PeerStatusChanged += (_, e) =>
            {
                Log.Add(node.NodeId, e.NodeId, e.NewStatus, Clock.Now);
                Pulse.Fire();
            };
            node.PeerJoined += (_, _) => Pulse.Fire();
            node.StateChanged += (_, e) =>
            {
                var watch = Watch;
                if (watch is not null && e.Key == watch.Key && e.NewValue == watch.Value)
                    watch.Seen.TryAdd(node.NodeId, Clock.Now);
                Pulse.Fire();
            };
        }

        /// <summary>When set, the first StateChanged event of each node for this key and value is timestamped (the event's view of propagation).</summary>
        public volatile WatchedWrite? Watch;

        internal sealed class WatchedWrite
        {
            public WatchedWrite(string key, string value)
            {
                Key = key;
                Value = value;
            }

            public string Key { get; }
            public string Value { get; }
            public System.Collections.Concurrent.ConcurrentDictionary<string, long> Seen { get; } = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        }

        /// <summary>Starts nodes a few at a time; the first of an empty cluster starts the network.</summary>
        public async Task AddManyAsync(IReadOnlyList<string> ids)
        {
            var rest = ids;
            if (Nodes.Count == 0 && ids.Count > 0)
            {
                await AddAsync(ids[0]).ConfigureAwait(false);
                rest = ids.Skip(1).ToList();
            }

            // Large clusters grow gently: one node at a time, and every 10 nodes wait until all agree, so a
            // 2-core machine is never asked to run dozens of handshakes and state transfers at once.
            var batch = Nodes.Count + rest.Count > 30 ? 1 : 4;
            var cpu = ProcessInfo.CpuTime();
            var wall = Clock.Now;
            for (var i = 0; i < rest.Count; i += batch)
            {
                await Task.WhenAll(rest.Skip(i).Take(batch).Select(id => AddAsync(id))).ConfigureAwait(false);
                var count = Nodes.Count;
                if (batch == 1 && count % 10 == 0)
                {
                    await WaitAllAliveAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                    var now = ProcessInfo.CpuTime();
                    Progress.Say($"  {count} nodes alive everywhere; CPU over the last 10 joins {(now - cpu).TotalSeconds / Clock.MsSince(wall) * 1000 / Environment.ProcessorCount * 100:0}% of the machine; " + Pool());
                    cpu = now;
                    wall = Clock.Now;
                }
            }
        }

        public static string Pool() =>
            $"thread pool: {System.Threading.ThreadPool.ThreadCount} threads, {System.Threading.ThreadPool.PendingWorkItemCount} queued items";

        public async Task WaitAllAliveAsync(TimeSpan timeout)
        {
            var nodes = Nodes;
            var ids = new HashSet<string>(nodes.Select(n => n.NodeId), StringComparer.Ordinal);
            await Converge.EachAsync(nodes.Count, i => SeesAllAlive(nodes[i], ids), Pulse, Clock.Now, timeout,
                () => string.Join("; ", nodes.Where(n => !SeesAllAlive(n, ids)).Take(3).Select(n => n.NodeId + " sees " +
                    string.Join(",", n.GetPeers().Where(p => p.Status != DsnPeerStatus.Alive || !ids.Contains(p.NodeId)).Select(p => p.NodeId + ":" + p.Status)) +
                    " missing " + string.Join(",", ids.Except(n.GetPeers().Select(p => p.NodeId)))))).ConfigureAwait(false);
        }

        public static bool SeesAllAlive(DsnNode node, HashSet<string> ids)
        {
            var count = 0;
            foreach (var peer in node.GetPeers())
                if (peer.Status == DsnPeerStatus.Alive && ids.Contains(peer.NodeId))
                    count++;
            return count == ids.Count;
        }

        public async Task<long> ActAsync(string id, FailureKind kind)
        {
            var node = Node(id);
            if (kind != FailureKind.Freeze)
            {
                lock (_live)
                    _live.Remove(node);
            }

            var start = Clock.Now;
            switch (kind)
            {
                case FailureKind.Graceful:
                    await node.StopAsync().ConfigureAwait(false);
                    break;
                case FailureKind.Crash:
                    await node.CrashAsync().ConfigureAwait(false);
                    break;
                default:
                    node.Freeze();
                    break;
            }

            return start;
        }

        public Task<long> ThawAsync(string id)
        {
            var start = Clock.Now;
            Node(id).Thaw();
            return Task.FromResult(start);
        }

        public async ValueTask DisposeAsync()
        {
            List<DsnNode> all;
            lock (_live)
                all = _all.ToList();
            foreach (var node in all)
                node.Thaw();
            // Abrupt teardown: a graceful leave to every peer of every node would only slow the harness down.
            // Only running nodes: stopping a stopped node again never returns (ShutdownAsync overwrites Stopped with Stopping).
            await Task.WhenAll(all.Where(n => n.IsRunning).Select(n => n.CrashAsync())).ConfigureAwait(false);
        }
    }
}
