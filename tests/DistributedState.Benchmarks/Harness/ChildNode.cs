using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>
    /// The child side of <see cref="ProcessCluster"/>: one node in this process. It reports on stdout
    /// <c>READY port pid mainTs startTs startedTs</c>, status changes (<c>ST ts peer status</c>), whom it sees alive
    /// (<c>AC ids</c>) and, when started with <c>--holds M,K</c>, <c>HELD ts jitMs methods</c> (with the JIT time and methods compiled since StartAsync was called) once it sees M members Alive with at least K
    /// keys each; with <c>--warm</c> it first runs a throwaway join (<see cref="WarmUpAsync"/>). Commands arrive on stdin as <c>verb tag args…</c> and are answered <c>OK tag fields…</c> or
    /// <c>ERR tag message</c>:
    /// <list type="bullet">
    /// <item><c>set tag key value</c>: SetData; answers the timestamp taken just before it.</item>
    /// <item><c>fill tag K</c>: K keys in one SetData.</item>
    /// <item><c>when tag owner key value [owner key value…]</c>: answers, once this node holds every listed value,
    /// the latest of the times at which each arrived (from its StateChanged event), so a late command still
    /// answers when the value really arrived.</item>
    /// <item><c>holds tag M K</c>: answers the time at which it saw M members Alive with at least K keys each.</item>
    /// <item><c>burst tag seconds keyspace</c>: writes as fast as one thread can (key t0000… cycling, value = write
    /// index); answers start, end and the number of writes.</item>
    /// <item><c>stats tag</c>: bytes.sent, frames.sent and the number of sessions. <c>gc tag</c>: full compacting collections.
    /// <c>largest tag</c>: the largest value SetData accepts (bisection on a node of its own).</item>
    /// <item><c>stop</c>: graceful StopAsync, then <c>STOPPED</c>.</item>
    /// </list>
    /// </summary>
    internal sealed class ChildNode
    {
        private readonly DsnNode _node;
        private readonly object _gate = new object();
        private readonly Dictionary<(string Owner, string Key), (string? Value, long At)> _arrived = new Dictionary<(string, string), (string?, long)>();
        private readonly List<ValueWaiter> _valueWaiters = new List<ValueWaiter>();
        private readonly List<HoldWaiter> _holdWaiters = new List<HoldWaiter>();
        private readonly object _output = new object();

        private TimeSpan _jitAtStart;
        private long _methodsAtStart;

        private ChildNode(DsnNode node) => _node = node;

        private sealed class ValueWaiter
        {
            public ValueWaiter(string tag, Dictionary<(string, string), string> remaining)
            {
                Tag = tag;
                Remaining = remaining;
            }

            public string Tag { get; }
            public Dictionary<(string, string), string> Remaining { get; }
            public long Latest { get; set; }
        }

        private sealed class HoldWaiter
        {
            public HoldWaiter(string? tag, int members, int keys)
            {
                Tag = tag;
                Members = members;
                Keys = keys;
            }

            /// <summary>Null for the start-up condition (answered as HELD).</summary>
            public string? Tag { get; }
            public int Members { get; }
            public int Keys { get; }
        }

        public static async Task<int> RunAsync(Arguments args)
        {
            var mainAt = Clock.Now;
            var options = new DsnNodeOptions
            {
                NodeId = args.Get("id") ?? throw new ArgumentException("child needs --id"),
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = DsnNetworkKey.Parse(args.Get("key") ?? throw new ArgumentException("child needs --key")),
                PersistIdentity = false,
                JoinTimeout = TimeSpan.FromSeconds(20),
            };
            foreach (var port in (args.Get("bootstrap") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", int.Parse(port, CultureInfo.InvariantCulture)));

            if (args.Flag("warm"))
                await WarmUpAsync().ConfigureAwait(false);
            var jitAtStart = System.Runtime.JitInfo.GetCompilationTime();
            var methodsAtStart = System.Runtime.JitInfo.GetCompiledMethodCount();
            var startAt = Clock.Now;
            var node = await DsnNode.StartAsync(options).ConfigureAwait(false);
            var startedAt = Clock.Now;
            var child = new ChildNode(node) { _jitAtStart = jitAtStart, _methodsAtStart = methodsAtStart };
            child.Attach();
            if (args.Get("holds") is { } holds)
            {
                var parts = holds.Split(',');
                child.AddHoldWaiter(new HoldWaiter(null, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)));
            }

            child.Emit(string.Create(CultureInfo.InvariantCulture, $"READY {node.LocalEndPoint.Port} {Environment.ProcessId} {mainAt} {startAt} {startedAt}"));
            child.EmitAlive();
            return await child.ServeAsync().ConfigureAwait(false);
        }

        /// <summary>
        /// With <c>--warm</c>: two throwaway nodes of a network of their own join, exchange 100 keys and crash before
        /// the measured StartAsync, so the join that follows runs on jitted code (what a cold process costs beyond
        /// that is the difference from a run without it).
        /// </summary>
        private static async Task WarmUpAsync()
        {
            var key = DsnNetworkKey.Generate();
            DsnNodeOptions Options(string id) => new DsnNodeOptions { NodeId = id, Port = 0, BindAddress = IPAddress.Loopback, NetworkKey = key, PersistIdentity = false };
            var first = await DsnNode.StartAsync(Options("warm-a")).ConfigureAwait(false);
            first.SetData(Enumerable.Range(0, 100).Select(k => new KeyValuePair<string, string>("key" + k.ToString("000", CultureInfo.InvariantCulture), "warm-up value")));
            var options = Options("warm-b");
            options.BootstrapNodes.Add(first.AdvertisedEndPoint);
            var second = await DsnNode.StartAsync(options).ConfigureAwait(false);
            var deadline = Clock.Now + 10 * System.Diagnostics.Stopwatch.Frequency;
            while (second.GetState("warm-a").Count < 100 && Clock.Now < deadline)
                await Task.Delay(10).ConfigureAwait(false); // a warm-up, not a measurement: polling is fine
            await Task.WhenAll(first.CrashAsync(), second.CrashAsync()).ConfigureAwait(false);
        }

        private void Attach()
        {
            _node.PeerStatusChanged += (_, e) =>
            {
                Emit(string.Create(CultureInfo.InvariantCulture, $"ST {Clock.Now} {e.NodeId} {e.NewStatus}"));
                EmitAlive();
                CheckHolds();
            };
            _node.PeerJoined += (_, _) =>
            {
                EmitAlive();
                CheckHolds();
            };
            _node.StateChanged += (_, e) =>
            {
                var at = Clock.Now;
                lock (_gate)
                {
                    _arrived[(e.NodeId, e.Key)] = (e.NewValue, at);
                    for (var i = _valueWaiters.Count - 1; i >= 0; i--)
                    {
                        var waiter = _valueWaiters[i];
                        if (waiter.Remaining.TryGetValue((e.NodeId, e.Key), out var want) && want == e.NewValue)
                        {
                            waiter.Remaining.Remove((e.NodeId, e.Key));
                            waiter.Latest = Math.Max(waiter.Latest, at);
                            if (waiter.Remaining.Count == 0)
                            {
                                _valueWaiters.RemoveAt(i);
                                Emit(string.Create(CultureInfo.InvariantCulture, $"OK {waiter.Tag} {waiter.Latest}"));
                            }
                        }
                    }
                }

                CheckHolds();
            };
        }

        private async Task<int> ServeAsync()
        {
            string? line;
            while ((line = await Console.In.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                    continue;
                if (parts[0] == "stop")
                {
                    await _node.StopAsync().ConfigureAwait(false);
                    Emit("STOPPED");
                    return 0;
                }

                if (parts[0] == "alive")
                {
                    EmitAlive();
                    continue;
                }

                var tag = parts.Length > 1 ? parts[1] : "?";
                try
                {
                    Handle(parts[0], tag, parts.Skip(2).ToArray());
                }
                catch (Exception error) when (error is ArgumentException or FormatException or InvalidOperationException or DsnException)
                {
                    Emit($"ERR {tag} {error.GetType().Name}: {error.Message.Replace('\n', ' ')}");
                }
            }

            await _node.CrashAsync().ConfigureAwait(false); // the parent went away
            return 0;
        }

        private void Handle(string verb, string tag, string[] a)
        {
            switch (verb)
            {
                case "set":
                    var at = Clock.Now;
                    _node.SetData(a[0], a[1]);
                    Emit(string.Create(CultureInfo.InvariantCulture, $"OK {tag} {at}"));
                    break;
                case "fill":
                    var keys = int.Parse(a[0], CultureInfo.InvariantCulture);
                    _node.SetData(Enumerable.Range(0, keys).Select(k => new KeyValuePair<string, string>(
                        "key" + k.ToString("000", CultureInfo.InvariantCulture), $"value {k} of {_node.NodeId}, some text")));
                    Emit($"OK {tag}");
                    break;
                case "when":
                    AddValueWaiter(tag, a);
                    break;
                case "holds":
                    AddHoldWaiter(new HoldWaiter(tag, int.Parse(a[0], CultureInfo.InvariantCulture), int.Parse(a[1], CultureInfo.InvariantCulture)));
                    break;
                case "burst":
                    var seconds = double.Parse(a[0], CultureInfo.InvariantCulture);
                    var keySpace = int.Parse(a[1], CultureInfo.InvariantCulture);
                    new Thread(() => Burst(tag, seconds, keySpace)) { IsBackground = true, Name = "burst" }.Start();
                    break;
                case "stats":
                    var stats = _node.GetStatistics();
                    Emit(string.Create(CultureInfo.InvariantCulture, $"OK {tag} {stats["bytes.sent"]} {stats["frames.sent"]} {_node.ConnectedPeerCount}"));
                    break;
                case "gc":
                    for (var i = 0; i < 2; i++)
                    {
                        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                        GC.WaitForPendingFinalizers();
                    }

                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    Emit($"OK {tag}");
                    break;
                case "largest":
                    _ = LargestAsync().ContinueWith(t => Emit(t.IsCompletedSuccessfully
                        ? string.Create(CultureInfo.InvariantCulture, $"OK {tag} {t.Result}")
                        : $"ERR {tag} {t.Exception?.GetBaseException().Message}"), TaskScheduler.Default);
                    break;
                default:
                    throw new ArgumentException($"unknown verb '{verb}'");
            }
        }

        /// <summary>The writes of the throughput scenario: key t{i % keySpace}, value i, from one thread.</summary>
        private void Burst(string tag, double seconds, int keySpace)
        {
            var keys = Enumerable.Range(0, keySpace).Select(k => "t" + k.ToString("0000", CultureInfo.InvariantCulture)).ToArray();
            var start = Clock.Now;
            var deadline = start + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
            long i = 0;
            while ((i & 63) != 0 || Clock.Now < deadline)
            {
                _node.SetData(keys[i % keySpace], i.ToString(CultureInfo.InvariantCulture));
                i++;
            }

            Emit(string.Create(CultureInfo.InvariantCulture, $"OK {tag} {start} {Clock.Now} {i}"));
        }

        /// <summary>
        /// Bisection over value sizes (ASCII, so characters are bytes) between 1 byte and 64 MiB, on a node of its own
        /// with this node's options: every accepted value would otherwise be gossiped to the whole cluster.
        /// </summary>
        private async Task<int> LargestAsync()
        {
            var options = new DsnNodeOptions { NodeId = _node.NodeId + "-alone", Port = 0, BindAddress = IPAddress.Loopback, NetworkKey = DsnNetworkKey.Generate(), PersistIdentity = false };
            var alone = await DsnNode.StartAsync(options).ConfigureAwait(false);
            try
            {
                int ok = 0, bad = 64 * 1024 * 1024;
                while (bad - ok > 1)
                {
                    var mid = ok + (bad - ok) / 2;
                    try
                    {
                        alone.SetData("largest", new string('x', mid));
                        ok = mid;
                    }
                    catch (Exception error) when (error is ArgumentException or DsnException)
                    {
                        bad = mid;
                    }
                }

                return ok;
            }
            finally
            {
                await alone.CrashAsync().ConfigureAwait(false);
            }
        }

        private void AddValueWaiter(string tag, string[] triples)
        {
            var remaining = new Dictionary<(string, string), string>();
            for (var i = 0; i + 2 < triples.Length; i += 3)
                remaining[(triples[i], triples[i + 1])] = triples[i + 2];
            lock (_gate)
            {
                var waiter = new ValueWaiter(tag, remaining);
                foreach (var item in remaining.ToList())
                {
                    if (_arrived.TryGetValue(item.Key, out var arrived) && arrived.Value == item.Value)
                    {
                        remaining.Remove(item.Key);
                        waiter.Latest = Math.Max(waiter.Latest, arrived.At);
                    }
                }

                if (remaining.Count == 0)
                    Emit(string.Create(CultureInfo.InvariantCulture, $"OK {tag} {waiter.Latest}"));
                else
                    _valueWaiters.Add(waiter);
            }
        }

        private void AddHoldWaiter(HoldWaiter waiter)
        {
            lock (_holdWaiters)
                _holdWaiters.Add(waiter);
            CheckHolds();
        }

        private void CheckHolds()
        {
            lock (_holdWaiters)
            {
                if (_holdWaiters.Count == 0)
                    return;
                var at = Clock.Now;
                var peers = _node.GetPeers();
                for (var i = _holdWaiters.Count - 1; i >= 0; i--)
                {
                    var w = _holdWaiters[i];
                    if (peers.Count(p => p.Status == DsnPeerStatus.Alive && p.KeyCount >= w.Keys) < w.Members)
                        continue;
                    _holdWaiters.RemoveAt(i);
                    if (w.Tag is null)
                        Emit(string.Create(CultureInfo.InvariantCulture, $"HELD {at} {(System.Runtime.JitInfo.GetCompilationTime() - _jitAtStart).TotalMilliseconds:0.0} {System.Runtime.JitInfo.GetCompiledMethodCount() - _methodsAtStart}"));
                    else
                        Emit("OK " + w.Tag + " " + at.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        private void Emit(string text)
        {
            lock (_output)
            {
                Console.Out.WriteLine(text);
                Console.Out.Flush();
            }
        }

        private void EmitAlive() => Emit("AC " + string.Join(",", _node.GetPeers().Where(p => p.Status == DsnPeerStatus.Alive).Select(p => p.NodeId)));
    }
}
