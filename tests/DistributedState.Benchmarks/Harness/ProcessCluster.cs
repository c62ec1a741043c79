using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>When a child process started, reached StartAsync, returned from it and (if asked) held the whole network; monotonic timestamps.</summary>
    internal sealed class ChildTiming
    {
        public long Spawned { get; set; }
        public long MainEntered { get; set; }
        public long StartCalled { get; set; }
        public long StartReturned { get; set; }

        /// <summary>JIT compilation time (all threads) and methods compiled from StartAsync until the hold condition was met.</summary>
        public double JitMsUntilHeld { get; set; }
        public long MethodsJittedUntilHeld { get; set; }
    }

    /// <summary>
    /// One node per child process of this executable (the hidden <c>child</c> scenario, <see cref="ChildNode"/>), so a
    /// crash is a real SIGKILL and a freeze a real SIGSTOP. Children report status changes with CLOCK_MONOTONIC
    /// timestamps and answer commands (<see cref="AskAsync"/>) with timestamps taken in the child, so every figure is
    /// timed where the event happened, on one clock, and the pipes' latency does not count.
    /// </summary>
    internal sealed class ProcessCluster : IFailureCluster
    {
        private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(120);
        private readonly Dictionary<string, Child> _children = new Dictionary<string, Child>(StringComparer.Ordinal);
        private readonly List<Child> _all = new List<Child>();
        private readonly Random _random = new Random(4711);
        private readonly DsnNetworkKey _key = DsnNetworkKey.Generate();
        private int _nextTag;

        public StatusLog Log { get; } = new StatusLog();
        public Pulse Pulse { get; } = new Pulse();

        public IReadOnlyList<string> LiveIds
        {
            get
            {
                lock (_children)
                    return _children.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
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
            public TaskCompletionSource<long> Held { get; } = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            public ConcurrentDictionary<string, TaskCompletionSource<string[]>> Answers { get; } = new ConcurrentDictionary<string, TaskCompletionSource<string[]>>(StringComparer.Ordinal);
            public SemaphoreSlim Input { get; } = new SemaphoreSlim(1, 1);
            public ChildTiming Timing { get; } = new ChildTiming();
            public volatile HashSet<string> Alive = new HashSet<string>();
            public int Port;
        }

        /// <summary>Children that exited before they were ready (their join failed) and were started once more; the scenarios note them.</summary>
        public List<string> Restarted { get; } = new List<string>();

        public async Task AddManyAsync(IReadOnlyList<string> ids)
        {
            var rest = ids;
            if (LiveIds.Count == 0 && ids.Count > 0)
            {
                await StartOrRetryAsync(ids[0]).ConfigureAwait(false);
                rest = ids.Skip(1).ToList();
            }

            for (var i = 0; i < rest.Count; i += 4)
                await Task.WhenAll(rest.Skip(i).Take(4).Select(StartOrRetryAsync)).ConfigureAwait(false);
        }

        /// <summary>
        /// On a machine loaded far beyond its cores a join can fail (the child prints the DsnJoinException on stderr and
        /// exits); forming a cluster starts such a member once more rather than losing the whole run, and says so.
        /// </summary>
        private async Task StartOrRetryAsync(string id)
        {
            try
            {
                await StartMemberAsync(id).ConfigureAwait(false);
            }
            catch (InvalidOperationException error)
            {
                lock (Restarted)
                    Restarted.Add($"{id} ({error.Message})");
                Progress.Say($"  {id} failed to start ({error.Message}); starting it once more");
                await StartMemberAsync(id).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Starts a child joined through up to two random live members and returns its timing. With
        /// <paramref name="holdMembers"/>, the child reports (<see cref="HeldAsync"/>) when it first sees that many
        /// members (itself included) Alive, each with at least <paramref name="holdKeys"/> keys.
        /// </summary>
        /// <param name="warm">The child runs a throwaway join first (<see cref="ChildNode"/>), so its StartAsync runs on jitted code.</param>
        public async Task<ChildTiming> StartMemberAsync(string id, int? holdMembers = null, int holdKeys = 0, bool warm = false)
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
            if (holdMembers is { } members)
            {
                info.ArgumentList.Add("--holds");
                info.ArgumentList.Add(members.ToString(CultureInfo.InvariantCulture) + "," + holdKeys.ToString(CultureInfo.InvariantCulture));
            }

            if (warm)
                info.ArgumentList.Add("--warm");
            info.Environment["DOTNET_TieredPGO"] = "1";
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var child = new Child(id, process);
            process.OutputDataReceived += (_, e) => OnLine(child, e.Data);
            process.Exited += (_, _) =>
            {
                var gone = new InvalidOperationException($"child {id} exited with code {SafeExitCode(process)}");
                child.Ready.TrySetException(gone);
                child.Held.TrySetException(gone);
                foreach (var answer in child.Answers.Values)
                    answer.TrySetException(gone);
                child.Stopped.TrySetResult(true);
            };
            child.Timing.Spawned = Clock.Now;
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
            return child.Timing;
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
                    child.Timing.MainEntered = long.Parse(parts[3], CultureInfo.InvariantCulture);
                    child.Timing.StartCalled = long.Parse(parts[4], CultureInfo.InvariantCulture);
                    child.Timing.StartReturned = long.Parse(parts[5], CultureInfo.InvariantCulture);
                    child.Ready.TrySetResult(int.Parse(parts[1], CultureInfo.InvariantCulture));
                    break;
                case "HELD":
                    child.Timing.JitMsUntilHeld = double.Parse(parts[2], CultureInfo.InvariantCulture);
                    child.Timing.MethodsJittedUntilHeld = long.Parse(parts[3], CultureInfo.InvariantCulture);
                    child.Held.TrySetResult(long.Parse(parts[1], CultureInfo.InvariantCulture));
                    break;
                case "OK":
                case "ERR":
                    if (child.Answers.TryRemove(parts[1], out var answer))
                    {
                        if (parts[0] == "OK")
                            answer.TrySetResult(parts.Skip(2).ToArray());
                        else
                            answer.TrySetException(new InvalidOperationException($"child {child.Id}: " + string.Join(" ", parts.Skip(2))));
                    }

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

        private Child Get(string id)
        {
            lock (_children)
                return _children[id];
        }

        public int Pid(string id) => Get(id).Process.Id;

        public int Port(string id) => Get(id).Port;

        /// <summary>The timestamp at which a child started with a hold condition first met it.</summary>
        public async Task<long> HeldAsync(string id, TimeSpan timeout)
        {
            var held = Get(id).Held.Task;
            if (await Task.WhenAny(held, Task.Delay(timeout)).ConfigureAwait(false) != held)
                throw new TimeoutException($"{id} did not hold the whole network within {timeout.TotalSeconds:0} s");
            return await held.ConfigureAwait(false);
        }

        /// <summary>Sends one command to a child (see <see cref="ChildNode"/> for the verbs) and returns the fields of its answer.</summary>
        public async Task<string[]> AskAsync(string id, string verb, params string[] arguments)
        {
            var child = Get(id);
            var tag = Interlocked.Increment(ref _nextTag).ToString(CultureInfo.InvariantCulture);
            var answer = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            child.Answers[tag] = answer;
            await child.Input.WaitAsync().ConfigureAwait(false);
            try
            {
                await child.Process.StandardInput.WriteLineAsync(verb + " " + tag + (arguments.Length == 0 ? "" : " " + string.Join(" ", arguments))).ConfigureAwait(false);
                await child.Process.StandardInput.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                child.Input.Release();
            }

            if (await Task.WhenAny(answer.Task, Task.Delay(AnswerTimeout)).ConfigureAwait(false) != answer.Task)
            {
                child.Answers.TryRemove(tag, out _);
                throw new TimeoutException($"child {id} did not answer '{verb}' within {AnswerTimeout.TotalSeconds:0} s");
            }

            return await answer.Task.ConfigureAwait(false);
        }

        /// <summary>Asks every listed child the same command at once.</summary>
        public Task<string[][]> AskAllAsync(IEnumerable<string> ids, string verb, params string[] arguments) =>
            Task.WhenAll(ids.Select(id => AskAsync(id, verb, arguments)));

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
                    await child.Input.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        await child.Process.StandardInput.WriteLineAsync("stop").ConfigureAwait(false);
                        await child.Process.StandardInput.FlushAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        child.Input.Release();
                    }

                    break;
                case FailureKind.Crash:
                    child.Process.Kill(); // SIGKILL
                    break;
                default:
                    Signals.Send(child.Process.Id, "-STOP");
                    break;
            }

            return start;
        }

        /// <summary>Stops a child gracefully and waits until its process has exited.</summary>
        public async Task StopAsync(string id)
        {
            var child = Get(id);
            await ActAsync(id, FailureKind.Graceful).ConfigureAwait(false);
            await child.Process.WaitForExitAsync().ConfigureAwait(false);
        }

        public Task<long> ThawAsync(string id)
        {
            var child = Get(id);
            var start = Clock.Now;
            Signals.Send(child.Process.Id, "-CONT");
            return Task.FromResult(start);
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
    }
}
