using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>
    /// HashiCorp Serf agents (Debian's <c>serf</c>), one process each, on 127.0.0.1 with free ports, encrypted, LAN
    /// profile, for the <c>compare</c> scenario. What an agent sees comes from its own log (<c>serf:
    /// EventMemberJoin|Leave|Failed|Update: name</c>, logged as memberlist delivers the change, not the agent's
    /// coalesced event handlers), timestamped on arrival at this process with the same monotonic clock as our
    /// children's events; the pipe adds well under a millisecond next to Serf's 200 ms gossip rounds.
    /// </summary>
    internal sealed class SerfCluster : IFailureCluster
    {
        private readonly Dictionary<string, Agent> _live = new Dictionary<string, Agent>(StringComparer.Ordinal);
        private readonly List<Agent> _all = new List<Agent>();
        private readonly HashSet<int> _usedPorts = new HashSet<int>();
        private readonly Random _random = new Random(4711);
        private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        /// <summary>Join (Alive), Leave (Left) and Failed events as each agent logged them.</summary>
        public StatusLog Log { get; } = new StatusLog();

        /// <summary>EventMemberUpdate (tags changed) as each agent logged it, recorded with status Alive.</summary>
        public StatusLog Updates { get; } = new StatusLog();

        public Pulse Pulse { get; } = new Pulse();

        /// <summary>Joiners that had not exited 10 s after their graceful interrupt and needed a second one.</summary>
        public int LeaveHangs { get; private set; }

        private sealed class Agent
        {
            public Agent(string id, Process process, int port, int rpcPort)
            {
                Id = id;
                Process = process;
                Port = port;
                RpcPort = rpcPort;
            }

            public string Id { get; }
            public Process Process { get; }
            public int Port { get; }
            public int RpcPort { get; }
            public TaskCompletionSource<bool> Ready { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            public HashSet<string> Alive { get; } = new HashSet<string>(StringComparer.Ordinal);
        }

        /// <summary>Serf's version line, or null when no <c>serf</c> runs here.</summary>
        public static string? Version()
        {
            try
            {
                var (code, output) = RunAsync("version").GetAwaiter().GetResult();
                return code == 0 ? output.Split('\n')[0].Trim() : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        public IReadOnlyList<string> LiveIds
        {
            get
            {
                lock (_live)
                    return _live.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            }
        }

        private Agent Get(string id)
        {
            lock (_live)
                return _live[id];
        }

        public int Pid(string id) => Get(id).Process.Id;

        public int Port(string id) => Get(id).Port;

        public async Task AddManyAsync(IReadOnlyList<string> ids)
        {
            var rest = ids;
            if (LiveIds.Count == 0 && ids.Count > 0)
            {
                await StartAgentAsync(ids[0]).ConfigureAwait(false);
                rest = ids.Skip(1).ToList();
            }

            for (var i = 0; i < rest.Count; i += 4)
                await Task.WhenAll(rest.Skip(i).Take(4).Select(StartAgentAsync)).ConfigureAwait(false);
        }

        /// <summary>Starts an agent joined through up to two random live agents; returns the timestamp just before the spawn.</summary>
        public async Task<long> StartAgentAsync(string id)
        {
            List<int> join;
            int port, rpc;
            lock (_live)
            {
                join = _live.Values.Select(a => a.Port).OrderBy(_ => _random.Next()).Take(2).ToList();
                port = Fresh();
                rpc = Fresh();
            }

            var info = new ProcessStartInfo("serf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "agent", "-node", id, "-bind", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "-rpc-addr", "127.0.0.1:" + rpc.ToString(CultureInfo.InvariantCulture),
                "-encrypt", _key, "-profile", "lan", "-log-level", "info" })
                info.ArgumentList.Add(a);
            foreach (var p in join)
            {
                info.ArgumentList.Add("-join");
                info.ArgumentList.Add("127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture));
            }

            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var agent = new Agent(id, process, port, rpc);
            process.OutputDataReceived += (_, e) => OnLine(agent, e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(agent, e.Data);
            process.Exited += (_, _) => agent.Ready.TrySetException(new InvalidOperationException($"serf agent {id} exited before it was running"));
            var spawned = Clock.Now;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            lock (_live)
                _all.Add(agent);
            if (await Task.WhenAny(agent.Ready.Task, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false) != agent.Ready.Task)
                throw new TimeoutException($"serf agent {id} did not start within 60 s");
            await agent.Ready.Task.ConfigureAwait(false);
            lock (_live)
                _live[id] = agent;
            return spawned;
        }

        private int Fresh()
        {
            while (true)
            {
                var port = Signals.FreePort();
                if (_usedPorts.Add(port))
                    return port;
            }
        }

        private void OnLine(Agent agent, string? line)
        {
            if (line is null)
                return;
            var at = Clock.Now;
            if (line.Contains("Log data will now stream in", StringComparison.Ordinal))
            {
                agent.Ready.TrySetResult(true);
                return;
            }

            var marker = line.IndexOf("serf: EventMember", StringComparison.Ordinal);
            if (marker < 0)
                return;
            var words = line.Substring(marker + "serf: EventMember".Length).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
                return;
            var subject = words[1];
            switch (words[0])
            {
                case "Join:":
                    lock (agent.Alive)
                        agent.Alive.Add(subject);
                    Log.Add(agent.Id, subject, DsnPeerStatus.Alive, at);
                    break;
                case "Leave:":
                    lock (agent.Alive)
                        agent.Alive.Remove(subject);
                    Log.Add(agent.Id, subject, DsnPeerStatus.Left, at);
                    break;
                case "Failed:":
                    lock (agent.Alive)
                        agent.Alive.Remove(subject);
                    Log.Add(agent.Id, subject, DsnPeerStatus.Failed, at);
                    break;
                case "Update:":
                    Updates.Add(agent.Id, subject, DsnPeerStatus.Alive, at);
                    break;
                default:
                    return;
            }

            Pulse.Fire();
        }

        private bool SeesAll(Agent agent, IEnumerable<string> ids)
        {
            lock (agent.Alive)
                return ids.All(agent.Alive.Contains);
        }

        public async Task WaitAllAliveAsync(TimeSpan timeout)
        {
            List<Agent> live;
            lock (_live)
                live = _live.Values.ToList();
            var ids = live.Select(a => a.Id).ToList();
            await Converge.EachAsync(live.Count, i => SeesAll(live[i], ids), Pulse, Clock.Now, timeout,
                () => string.Join("; ", live.Where(a => !SeesAll(a, ids)).Take(3).Select(a => a.Id))).ConfigureAwait(false);
        }

        public Task<long> ActAsync(string id, FailureKind kind)
        {
            Agent agent;
            lock (_live)
            {
                agent = _live[id];
                if (kind != FailureKind.Freeze)
                    _live.Remove(id);
            }

            var start = Clock.Now;
            switch (kind)
            {
                case FailureKind.Graceful:
                    Signals.Send(agent.Process.Id, "-INT"); // Serf's agent leaves gracefully on an interrupt
                    break;
                case FailureKind.Crash:
                    agent.Process.Kill();
                    break;
                default:
                    Signals.Send(agent.Process.Id, "-STOP");
                    break;
            }

            return Task.FromResult(start);
        }

        public Task<long> ThawAsync(string id)
        {
            var agent = Get(id);
            var start = Clock.Now;
            Signals.Send(agent.Process.Id, "-CONT");
            return Task.FromResult(start);
        }

        /// <summary>
        /// One tag change at a time from each agent in turn (<c>serf tags -set</c>), timed from the writer's own log
        /// line for its update (the moment Serf applied it locally, as our timing starts just before SetData) until
        /// the last other agent logs it; the CLI's start-up therefore does not count against Serf.
        /// </summary>
        public async Task<(List<double> All, List<double> PerPeer)> PropagateAsync(int trials, int warmup)
        {
            var ids = LiveIds;
            var all = new List<double>();
            var perPeer = new List<double>();
            for (var t = -warmup; t < trials; t++)
            {
                var writer = ids[(t + warmup) % ids.Count];
                var others = ids.Where(id => id != writer).ToList();
                var since = Clock.Now;
                var (code, output) = await RunAsync("tags", "-rpc-addr", "127.0.0.1:" + Get(writer).RpcPort.ToString(CultureInfo.InvariantCulture), "-set", "p=v" + t.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                var returned = Clock.Now;
                if (code != 0)
                    throw new InvalidOperationException("serf tags failed: " + output);
                await Converge.EachAsync(others.Count + 1, i => Updates.First(i == others.Count ? writer : others[i], writer, DsnPeerStatus.Alive, since) is not null, Pulse, since, TimeSpan.FromSeconds(30),
                    () => "no update on " + string.Join(",", others.Where(o => Updates.First(o, writer, DsnPeerStatus.Alive, since) is null).Take(5))).ConfigureAwait(false);
                if (t < 0)
                    continue;
                var start = Math.Min(returned, Updates.First(writer, writer, DsnPeerStatus.Alive, since)!.Value);
                var times = others.Select(o => Clock.Ms(start, Updates.First(o, writer, DsnPeerStatus.Alive, since)!.Value)).ToList();
                all.Add(times.Max());
                perPeer.AddRange(times);
            }

            return (all, perPeer);
        }

        /// <summary>Per join: from spawning a new agent (joined through two members) until its log shows every member joined; each leaves before the next, the first is a warm-up.</summary>
        public async Task<List<double>> JoinAsync(int trials)
        {
            var members = LiveIds;
            var times = new List<double>();
            for (var t = -1; t < trials; t++)
            {
                var id = "joiner" + (t + 1).ToString(CultureInfo.InvariantCulture);
                var spawned = await StartAgentAsync(id).ConfigureAwait(false);
                var agent = Get(id);
                var expect = members.Append(id).ToList();
                await Converge.EachAsync(1, _ => SeesAll(agent, expect), Pulse, spawned, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                if (t >= 0)
                    times.Add(expect.Max(m => Clock.Ms(spawned, Log.First(id, m, DsnPeerStatus.Alive, spawned)!.Value)));
                await ActAsync(id, FailureKind.Graceful).ConfigureAwait(false);
                // Seen once: an agent that had left never exited after the interrupt; a second one forces it.
                var exited = agent.Process.WaitForExitAsync();
                if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != exited)
                {
                    LeaveHangs++;
                    Signals.Send(agent.Process.Id, "-INT");
                }

                await exited.ConfigureAwait(false);
                await WaitAllAliveAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }

            return times;
        }

        /// <summary>The largest tag value <c>serf tags -set</c> accepts on one agent (bisection; Serf bounds a member's encoded tags at 512 bytes).</summary>
        public async Task<int> LargestValueAsync()
        {
            var rpc = "127.0.0.1:" + Get(LiveIds[0]).RpcPort.ToString(CultureInfo.InvariantCulture);
            int ok = 0, bad = 64 * 1024;
            while (bad - ok > 1)
            {
                var mid = ok + (bad - ok) / 2;
                var (code, _) = await RunAsync("tags", "-rpc-addr", rpc, "-set", "big=" + new string('x', mid)).ConfigureAwait(false);
                if (code == 0)
                    ok = mid;
                else
                    bad = mid;
            }

            await RunAsync("tags", "-rpc-addr", rpc, "-delete", "big").ConfigureAwait(false);
            return ok;
        }

        private static async Task<(int Code, string Output)> RunAsync(params string[] arguments)
        {
            var info = new ProcessStartInfo("serf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments)
                info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
        }

        public async ValueTask DisposeAsync()
        {
            List<Agent> all;
            lock (_live)
                all = _all.ToList();
            foreach (var agent in all)
            {
                try
                {
                    if (!agent.Process.HasExited)
                        agent.Process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
            }

            foreach (var agent in all)
            {
                await agent.Process.WaitForExitAsync().ConfigureAwait(false);
                agent.Process.Dispose();
            }
        }
    }
}
