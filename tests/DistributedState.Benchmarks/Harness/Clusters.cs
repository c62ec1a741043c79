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

    /// <summary>
    /// One node per child process of this executable (the hidden <c>child</c> scenario), so a crash is a real
    /// SIGKILL and a freeze a real SIGSTOP. Children report status changes with CLOCK_MONOTONIC timestamps.
    /// </summary>
    internal sealed class ProcessCluster : IFailureCluster
    {
        private readonly Dictionary<string, Child> _children = new Dictionary<string, Child>(StringComparer.Ordinal);
        private readonly List<Child> _all = new List<Child>();
        private readonly Random _random = new Random(4711);
        private readonly DsnNetworkKey _key = DsnNetworkKey.Generate();

        public StatusLog Log { get; } = new StatusLog();
        public Pulse Pulse { get; } = new Pulse();

        public IReadOnlyList<string> LiveIds
        {
            get
            {
                lock (_children)
                    return _children.Keys.ToList();
            }
        }

        private sealed class Child
        {
            public Child(string id, Process process)
            {
                Id = id;
                Process = process;
            }

            public string Id { get; }
            public Process Process { get; }
            public TaskCompletionSource<int> Ready { get; } = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            public TaskCompletionSource<bool> Stopped { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            public volatile HashSet<string> Alive = new HashSet<string>();
            public int Port;
        }

        public async Task AddManyAsync(IReadOnlyList<string> ids)
        {
            var rest = ids;
            if (LiveIds.Count == 0 && ids.Count > 0)
            {
                await StartChildAsync(ids[0]).ConfigureAwait(false);
                rest = ids.Skip(1).ToList();
            }

            for (var i = 0; i < rest.Count; i += 4)
                await Task.WhenAll(rest.Skip(i).Take(4).Select(StartChildAsync)).ConfigureAwait(false);
        }

        private async Task StartChildAsync(string id)
        {
            List<int> ports;
            lock (_children)
                ports = _children.Values.Select(c => c.Port).OrderBy(_ => _random.Next()).Take(2).ToList();
            var (file, prefix) = SelfCommand();
            var info = new ProcessStartInfo(file)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
                UseShellExecute = false,
            };
            foreach (var a in prefix)
                info.ArgumentList.Add(a);
            foreach (var a in new[] { "child", "--id", id, "--key", _key.ToString(), "--bootstrap", string.Join(",", ports) })
                info.ArgumentList.Add(a);
            info.Environment["DOTNET_TieredPGO"] = "1";
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var child = new Child(id, process);
            process.OutputDataReceived += (_, e) => OnLine(child, e.Data);
            process.Exited += (_, _) =>
            {
                child.Ready.TrySetException(new InvalidOperationException($"child {id} exited with code {SafeExitCode(process)} before it was ready"));
                child.Stopped.TrySetResult(true);
            };
            process.Start();
            process.BeginOutputReadLine();
            lock (_children)
                _all.Add(child);
            var finished = await Task.WhenAny(child.Ready.Task, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
            if (finished != child.Ready.Task)
                throw new TimeoutException($"child {id} did not start within 60 s");
            child.Port = await child.Ready.Task.ConfigureAwait(false);
            lock (_children)
                _children[id] = child;
        }

        private static string SafeExitCode(Process p)
        {
            try { return p.ExitCode.ToString(CultureInfo.InvariantCulture); }
            catch (InvalidOperationException) { return "?"; }
        }

        /// <summary>How to start this executable again: the apphost directly, or `dotnet the.dll`.</summary>
        private static (string File, string[] Prefix) SelfCommand()
        {
            var path = Environment.ProcessPath ?? "dotnet";
            var name = Path.GetFileNameWithoutExtension(path);
            if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
                return (path, new[] { typeof(ProcessCluster).Assembly.Location });
            return (path, Array.Empty<string>());
        }

        private void OnLine(Child child, string? line)
        {
            if (line is null)
                return;
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "READY":
                    child.Ready.TrySetResult(int.Parse(parts[1], CultureInfo.InvariantCulture));
                    break;
                case "ST":
                    Log.Add(child.Id, parts[2], Enum.Parse<DsnPeerStatus>(parts[3]), long.Parse(parts[1], CultureInfo.InvariantCulture));
                    Pulse.Fire();
                    break;
                case "AC":
                    child.Alive = new HashSet<string>(parts.Length > 1 ? parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>(), StringComparer.Ordinal);
                    Pulse.Fire();
                    break;
                case "STOPPED":
                    child.Stopped.TrySetResult(true);
                    break;
            }
        }

        public async Task WaitAllAliveAsync(TimeSpan timeout)
        {
            List<Child> live;
            lock (_children)
                live = _children.Values.ToList();
            var ids = new HashSet<string>(live.Select(c => c.Id), StringComparer.Ordinal);
            await Converge.EachAsync(live.Count, i => ids.IsSubsetOf(live[i].Alive), Pulse, Clock.Now, timeout,
                () => string.Join("; ", live.Where(c => !ids.IsSubsetOf(c.Alive)).Take(3).Select(c => c.Id + " lacks " + string.Join(",", ids.Except(c.Alive))))).ConfigureAwait(false);
        }

        public async Task<long> ActAsync(string id, FailureKind kind)
        {
            Child child;
            lock (_children)
            {
                child = _children[id];
                if (kind != FailureKind.Freeze)
                    _children.Remove(id);
            }

            var start = Clock.Now;
            switch (kind)
            {
                case FailureKind.Graceful:
                    await child.Process.StandardInput.WriteLineAsync("stop").ConfigureAwait(false);
                    await child.Process.StandardInput.FlushAsync().ConfigureAwait(false);
                    break;
                case FailureKind.Crash:
                    child.Process.Kill(); // SIGKILL
                    break;
                default:
                    Signal(child.Process.Id, "-STOP");
                    break;
            }

            return start;
        }

        public Task<long> ThawAsync(string id)
        {
            Child child;
            lock (_children)
                child = _children[id];
            var start = Clock.Now;
            Signal(child.Process.Id, "-CONT");
            return Task.FromResult(start);
        }

        private static void Signal(int pid, string signal)
        {
            using var kill = Process.Start(new ProcessStartInfo("/bin/kill") { ArgumentList = { signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            kill.WaitForExit();
            if (kill.ExitCode != 0)
                throw new InvalidOperationException($"/bin/kill {signal} {pid} failed with exit code {kill.ExitCode}");
        }

        public async ValueTask DisposeAsync()
        {
            List<Child> all;
            lock (_children)
                all = _all.ToList();
            foreach (var child in all)
            {
                try
                {
                    if (!child.Process.HasExited)
                        child.Process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
            }

            foreach (var child in all)
            {
                await child.Process.WaitForExitAsync().ConfigureAwait(false);
                child.Process.Dispose();
            }
        }

        /// <summary>The child side: one node; reports status changes and who it sees alive; obeys "stop" on stdin.</summary>
        public static async Task<int> RunChildAsync(Arguments args)
        {
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

            var node = await DsnNode.StartAsync(options).ConfigureAwait(false);
            var gate = new object();
            var output = Console.Out;
            void Emit(string text)
            {
                lock (gate)
                {
                    output.WriteLine(text);
                    output.Flush();
                }
            }

            void EmitAlive() => Emit("AC " + string.Join(",", node.GetPeers().Where(p => p.Status == DsnPeerStatus.Alive).Select(p => p.NodeId)));
            node.PeerStatusChanged += (_, e) =>
            {
                Emit(string.Create(CultureInfo.InvariantCulture, $"ST {Clock.Now} {e.NodeId} {e.NewStatus}"));
                EmitAlive();
            };
            node.PeerJoined += (_, _) => EmitAlive();
            Emit(string.Create(CultureInfo.InvariantCulture, $"READY {node.LocalEndPoint.Port} {Environment.ProcessId}"));
            EmitAlive();

            string? line;
            while ((line = await Console.In.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                if (line == "stop")
                {
                    await node.StopAsync().ConfigureAwait(false);
                    Emit("STOPPED");
                    return 0;
                }

                if (line == "alive")
                    EmitAlive();
            }

            await node.CrashAsync().ConfigureAwait(false); // the parent went away
            return 0;
        }
    }
}
