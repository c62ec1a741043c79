using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Transport.FaultInjection;
using DistributedState.Tests.Support;
using Xunit.Abstractions;

namespace DistributedState.Tests.Chaos
{
    /// <summary>
    /// The chaos suite's settings. The short configuration runs by default (and in CI); <c>DSN_CHAOS_LONG=1</c>
    /// selects the long one; <c>DSN_CHAOS_SEED=n</c> replays a run's seed (every test prints its seed).
    /// </summary>
    public static class ChaosSettings
    {
        public const string LongVariable = "DSN_CHAOS_LONG";
        public const string SeedVariable = "DSN_CHAOS_SEED";

        public static bool Long => Environment.GetEnvironmentVariable(LongVariable) is string v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

        /// <summary>Picks the short or the long value.</summary>
        public static T Pick<T>(T shortRun, T longRun) => Long ? longRun : shortRun;

        public static int Seed()
        {
            var text = Environment.GetEnvironmentVariable(SeedVariable);
            if (!string.IsNullOrWhiteSpace(text))
                return int.Parse(text, CultureInfo.InvariantCulture);
            return Guid.NewGuid().GetHashCode() & int.MaxValue;
        }
    }

    /// <summary>
    /// Real nodes on one <see cref="FaultInjectionNetwork"/>, one host per NodeId, identities persisted in a temporary
    /// folder (so a node restarted with the same NodeId is the same node), logs kept in a ring for the test output.
    /// </summary>
    public sealed class ChaosCluster : IAsyncDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly string _test;
        private readonly Dictionary<string, DsnNode> _running = new Dictionary<string, DsnNode>(StringComparer.Ordinal);
        private readonly List<DsnNode> _all = new List<DsnNode>();
        private readonly string _identities;
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public ChaosCluster(ITestOutputHelper output, string test)
        {
            _output = output;
            _test = test;
            Seed = ChaosSettings.Seed();
            Random = new Random(Seed);
            Network = new FaultInjectionNetwork(Seed);
            Log = new RingLog(_clock, 4000);
            _identities = Path.Combine(Path.GetTempPath(), "dsn-chaos-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_identities);
            Say($"seed {Seed} ({(ChaosSettings.Long ? "long" : "short")} configuration). Replay: {ChaosSettings.SeedVariable}={Seed}{(ChaosSettings.Long ? " " + ChaosSettings.LongVariable + "=1" : "")} " +
                $"dotnet test tests/DistributedState.Tests --filter \"FullyQualifiedName~{test}\"");
        }

        public int Seed { get; }

        /// <summary>The test's own random decisions (which node, which action): seeded too.</summary>
        public Random Random { get; }

        public FaultInjectionNetwork Network { get; }

        public DsnNetworkKey Key { get; } = DsnNetworkKey.Generate();

        public RingLog Log { get; }

        /// <summary>Called on every node's options before start (timings of a scenario).</summary>
        public Action<DsnNodeOptions>? Tune { get; set; }

        public IReadOnlyList<DsnNode> Running
        {
            get
            {
                lock (_running)
                    return _running.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal).ToList();
            }
        }

        public DsnNode this[string nodeId]
        {
            get
            {
                lock (_running)
                    return _running[nodeId];
            }
        }

        public void Say(string line) => _output.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:0.000}] {line}");

        public DsnNodeOptions Options(string nodeId, IEnumerable<DsnNode> bootstrap)
        {
            var options = Network.AddHost(nodeId).Configure(new DsnNodeOptions
            {
                NodeId = nodeId,
                Port = 0,
                NetworkKey = Key,
                PersistIdentity = true,
                IdentityPath = Path.Combine(_identities, nodeId + ".key"),
                JoinTimeout = TimeSpan.FromSeconds(5),
            });
            foreach (var node in bootstrap)
                options.BootstrapNodes.Add(Network.GetHost(node.NodeId).EndPoint(node.LocalEndPoint.Port));
            Tune?.Invoke(options);
            return options;
        }

        public Task<DsnNode> StartAsync(string nodeId, params DsnNode[] bootstrap) => StartAsync(Options(nodeId, bootstrap));

        public async Task<DsnNode> StartAsync(DsnNodeOptions options)
        {
            var node = await DsnNode.StartAsync(options, Log);
            lock (_running)
            {
                _running[node.NodeId] = node;
                _all.Add(node);
            }

            return node;
        }

        public async Task StopAsync(DsnNode node)
        {
            lock (_running)
                _running.Remove(node.NodeId);
            await node.StopAsync();
        }

        public async Task CrashAsync(DsnNode node)
        {
            lock (_running)
                _running.Remove(node.NodeId);
            await node.CrashAsync();
        }

        /// <summary>Waits until every running node lists exactly the running nodes as Alive.</summary>
        public Task AllAliveAsync(TimeSpan timeout) => AllAliveAsync(Running, timeout);

        public async Task AllAliveAsync(IReadOnlyList<DsnNode> nodes, TimeSpan timeout)
        {
            var want = nodes.Select(n => n.NodeId).OrderBy(x => x, StringComparer.Ordinal).ToList();
            await Eventually.HoldsAsync(() => nodes.All(n => AliveSet(n).SequenceEqual(want)),
                $"every node sees exactly [{string.Join(",", want)}] alive; views: {Views(nodes)}", timeout);
        }

        public static List<string> AliveSet(DsnNode node) =>
            node.GetPeers().Where(p => p.Status == DsnPeerStatus.Alive).Select(p => p.NodeId).OrderBy(x => x, StringComparer.Ordinal).ToList();

        public static string Views(IEnumerable<DsnNode> nodes) => string.Join(" | ", nodes.Select(n =>
            n.NodeId + ": " + string.Join(",", n.GetPeers().Where(p => !p.IsLocal).Select(p => p.NodeId + "=" + p.Status.ToString()[0]))));

        /// <summary>Everything a node holds, as text: members with statuses, then every owner's entries with versions.</summary>
        public static string View(DsnNode node, bool withStatuses = true)
        {
            var lines = new List<string>();
            foreach (var peer in node.GetPeers())
            {
                lines.Add(withStatuses ? $"{peer.NodeId}:{peer.Status}" : peer.NodeId);
                foreach (var entry in node.GetEntries(peer.NodeId))
                    lines.Add($"  {peer.NodeId}/{entry.Key}={entry.Value}@{entry.Version}");
            }

            return string.Join("\n", lines);
        }

        /// <summary>Waits until every node holds exactly the same members (with statuses) and the same state.</summary>
        public async Task AgreeAsync(IReadOnlyList<DsnNode> nodes, TimeSpan timeout)
        {
            string Differences()
            {
                var views = nodes.Select(n => (n.NodeId, View: View(n))).ToList();
                var reference = views[0];
                var differing = views.Where(v => v.View != reference.View).ToList();
                if (differing.Count == 0)
                    return "";
                var first = differing[0];
                var a = reference.View.Split('\n');
                var b = first.View.Split('\n');
                return $"{first.NodeId} differs from {reference.NodeId}: only in {reference.NodeId}: [{string.Join("; ", a.Except(b))}], only in {first.NodeId}: [{string.Join("; ", b.Except(a))}]";
            }

            await Eventually.HoldsAsync(() => Differences().Length == 0, $"all of [{string.Join(",", nodes.Select(n => n.NodeId))}] agree exactly; {Differences()}", timeout);
        }

        /// <summary>Waits until every node holds exactly <paramref name="expected"/> as the state of each owner named in it.</summary>
        public static async Task StateConvergesAsync(IReadOnlyList<DsnNode> nodes, IReadOnlyDictionary<string, Dictionary<string, string>> expected, TimeSpan timeout)
        {
            string? Mismatch()
            {
                foreach (var node in nodes)
                {
                    foreach (var owner in expected)
                    {
                        IReadOnlyDictionary<string, string> state;
                        try
                        {
                            state = node.GetState(owner.Key);
                        }
                        catch (DsnNodeNotFoundException)
                        {
                            return $"{node.NodeId} does not know {owner.Key}";
                        }

                        if (state.Count != owner.Value.Count || owner.Value.Any(e => !state.TryGetValue(e.Key, out var v) || v != e.Value))
                        {
                            var missing = owner.Value.Where(e => !state.TryGetValue(e.Key, out var v) || v != e.Value).Take(5).Select(e => $"{e.Key}={e.Value} (has {(state.TryGetValue(e.Key, out var v) ? v : "nothing")})");
                            return $"{node.NodeId}'s copy of {owner.Key} has {state.Count} keys, expected {owner.Value.Count}; e.g. {string.Join(", ", missing)}";
                        }
                    }
                }

                return null;
            }

            await Eventually.HoldsAsync(() => Mismatch() is null, $"every write converged everywhere; {Mismatch()}", timeout);
        }

        /// <summary>Records every status change every node reports, with the time.</summary>
        public ConcurrentQueue<(double At, string Observer, string Subject, DsnPeerStatus Old, DsnPeerStatus New)> RecordTransitions(IEnumerable<DsnNode> nodes)
        {
            var queue = new ConcurrentQueue<(double, string, string, DsnPeerStatus, DsnPeerStatus)>();
            foreach (var node in nodes)
            {
                var observer = node.NodeId;
                node.PeerStatusChanged += (_, e) => queue.Enqueue((_clock.Elapsed.TotalSeconds, observer, e.NodeId, e.OldStatus, e.NewStatus));
            }

            return queue;
        }

        public void Report()
        {
            Say(Network.ToString());
            Say("injected: " + Network.GetStatistics());
            var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var node in _all)
            {
                foreach (var counter in node.GetStatistics().Counters)
                {
                    if (counter.Key.Contains("rejected") || counter.Key.StartsWith("sessions") || counter.Key.StartsWith("batches.gap") || counter.Key.Contains("refuted")
                        || counter.Key.StartsWith("handshake") || counter.Key.StartsWith("sync"))
                        totals[counter.Key] = totals.TryGetValue(counter.Key, out var t) ? t + counter.Value : counter.Value;
                }
            }

            Say("node counters (sum over every node run): " + string.Join(", ", totals.Select(t => t.Key + "=" + t.Value)));
        }

        /// <summary>Runs a scenario; on failure, prints the tail of the nodes' logs before rethrowing.</summary>
        public async Task RunAsync(Func<Task> scenario)
        {
            try
            {
                await scenario();
                Report();
            }
            catch
            {
                Report();
                Say("--- last log lines ---");
                foreach (var line in Log.Tail(300))
                    _output.WriteLine(line);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            List<DsnNode> nodes;
            lock (_running)
                nodes = _all.ToList();
            Network.Heal();
            await Task.WhenAll(nodes.Select(n => n.StopAsync()));
            Network.Dispose();
            try
            {
                Directory.Delete(_identities, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A log sink that keeps the last lines (Information and above) of every node, with a time stamp.</summary>
    public sealed class RingLog : IDsnLogSink
    {
        private readonly ConcurrentQueue<string> _lines = new ConcurrentQueue<string>();
        private readonly Stopwatch _clock;
        private readonly int _capacity;

        public RingLog(Stopwatch clock, int capacity)
        {
            _clock = clock;
            _capacity = capacity;
        }

        public IEnumerable<string> Tail(int count) => _lines.ToArray().Reverse().Take(count).Reverse();

        public IEnumerable<string> Lines => _lines.ToArray();

        public bool IsEnabled(DsnLogLevel level) => level >= DsnLogLevel.Information;

        public void Write(DsnLogEntry entry)
        {
            _lines.Enqueue($"[{_clock.Elapsed.TotalSeconds,7:0.000}] {entry.Level.ToString().Substring(0, 4)} {entry.NodeId}: {entry.Message}");
            while (_lines.Count > _capacity && _lines.TryDequeue(out _))
            {
            }
        }
    }
}
