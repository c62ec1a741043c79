using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Jepsen.Checks;
using DistributedState.Jepsen.Common;
using DistributedState.Jepsen.Node;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// One seed's run: builds the network, starts the nodes, plays the schedule's episodes (faults on, heal, stop
    /// writing, wait for convergence, resume), stops everything, and judges the history.
    /// </summary>
    internal sealed class Runner
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
        private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

        private readonly FaultSchedule _schedule;
        private readonly Capabilities _capabilities;
        private readonly string _folder;
        private readonly string _mode;
        private readonly NetworkLab _lab;
        private readonly Observations _observations = new Observations();
        private readonly Dictionary<string, NodeHandle> _nodes = new Dictionary<string, NodeHandle>();
        private readonly Dictionary<string, ProcessLife> _lives = new Dictionary<string, ProcessLife>();
        private readonly List<FaultInterval> _faults = new List<FaultInterval>();
        private readonly List<Violation> _violations = new List<Violation>();
        private readonly List<double> _convergeSeconds = new List<double>();
        private readonly List<double> _writesSeconds = new List<double>();
        private readonly List<string> _skipped = new List<string>();
        private readonly HashSet<(string Owner, string Key)> _lost = new HashSet<(string, string)>();
        private readonly HashSet<(int Episode, string Owner, string Key)> _late = new HashSet<(int, string, string)>();
        private History _history = null!;
        private long _checkedUntil = long.MaxValue;
        private volatile bool _stopping;

        public Runner(FaultSchedule schedule, Capabilities capabilities, string folder, int runNumber, string mode)
        {
            _schedule = schedule;
            _capabilities = capabilities;
            _folder = folder;
            _mode = mode;
            _lab = new NetworkLab(NetworkLab.RunName(runNumber), schedule.Nodes);
        }

        private IEnumerable<string> Nodes => _schedule.Nodes;

        private string KeyPath => Path.Combine(_folder, "net.key");

        public async Task<SeedResult> RunAsync(CancellationToken token)
        {
            Directory.CreateDirectory(Path.Combine(_folder, "identities"));
            Directory.CreateDirectory(Path.Combine(_folder, "logs"));
            var began = Monotonic.NowNs;
            using (_history = new History(Path.Combine(_folder, "history.jsonl"), began))
            {
                _history.Controller("run", w =>
                {
                    w.WriteNumber("seed", _schedule.Seed);
                    w.WriteString("mode", _mode);
                    w.WriteString("schedule", _schedule.Describe());
                    w.WriteString("namespaces", _lab.Name + "*");
                    w.WriteString("faketime", _capabilities.FaketimeLibrary ?? _capabilities.FaketimeMissing);
                });
                try
                {
                    await _lab.CreateAsync().ConfigureAwait(false);
                    DsnNetworkKey.Generate().Save(KeyPath);
                    await StartClusterAsync(token).ConfigureAwait(false);
                    foreach (var episode in _schedule.Episodes)
                        await PlayAsync(episode, token).ConfigureAwait(false);
                    _checkedUntil = Monotonic.NowNs;
                }
                finally
                {
                    _stopping = true;
                    if (_checkedUntil == long.MaxValue)
                        _checkedUntil = Monotonic.NowNs;
                    await Task.WhenAll(_nodes.Values.Select(n => n.StopAsync(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
                    await _lab.DisposeAsync().ConfigureAwait(false);
                    _history.Controller("end");
                }

                return Judge(TimeSpan.FromTicks((Monotonic.NowNs - began) / 100));
            }
        }

        private async Task StartClusterAsync(CancellationToken token)
        {
            foreach (var node in Nodes)
            {
                var handle = new NodeHandle(node, _lab, Path.Combine(_folder, "logs"), OnLine);
                handle.Exited += OnExited;
                _nodes[node] = handle;
            }

            Start(_schedule.Bootstrap, run: 0, hold: true);
            await WaitAsync(() => _observations.StartedAt(_schedule.Bootstrap) != null, $"{_schedule.Bootstrap} started", token).ConfigureAwait(false);
            foreach (var node in Nodes.Skip(1))
                Start(node, run: 0, hold: true);
            await WaitAsync(() => Nodes.All(n => _observations.StartedAt(n) != null), "every node started", token).ConfigureAwait(false);
            await WaitAsync(() => Nodes.All(n => _observations.Latest(n) is { } r && Nodes.All(m => r.View.TryGetValue(m, out var s) && s.StartsWith("Alive:", StringComparison.Ordinal))),
                "every node sees every member Alive", token).ConfigureAwait(false);
            foreach (var handle in _nodes.Values)
                handle.Send("{\"cmd\":\"go\"}");
            _history.Controller("go");
            Console.WriteLine($"  {_schedule.Nodes.Count} nodes up in namespaces {_lab.Name}*; writing");
            await Task.Delay(Settle, token).ConfigureAwait(false);
        }

        private void Start(string node, int run, bool hold)
        {
            var others = Nodes.Where(n => n != node).ToArray();
            // The bootstrap node starts the network; every other start (and its own restarts) joins through the list in order.
            var bootstrap = node == _schedule.Bootstrap && run == 0 ? Array.Empty<string>() : others;
            var settings = new NodeSettings
            {
                NodeId = node,
                Address = _lab.AddressOf(node),
                KeyPath = KeyPath,
                IdentityPath = Path.Combine(_folder, "identities", node + ".identity"),
                Bootstrap = bootstrap.Select(b => new DsnEndpoint(_lab.AddressOf(b).ToString(), 7946)).ToArray(),
                Peers = others,
                Run = run,
                Seed = _schedule.Seed,
                Hold = hold,
            };
            var environment = new Dictionary<string, string>();
            var skewed = node == _schedule.SkewedNode && _capabilities.FaketimeLibrary != null;
            if (skewed)
            {
                environment["LD_PRELOAD"] = _capabilities.FaketimeLibrary!;
                environment["FAKETIME"] = $"{_schedule.Skew:+0;-0}s";
                environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1";
            }

            _lives[node] = _observations.Began(node, run, Monotonic.NowNs);
            _nodes[node].Start(settings, environment);
            _history.Controller("start", w =>
            {
                w.WriteString("node", node);
                w.WriteNumber("run", run);
                w.WriteNumber("pid", _nodes[node].ProcessId);
                if (skewed)
                    w.WriteString("clock", environment["FAKETIME"]);
            });
        }

        private void OnLine(NodeHandle handle, int run, string text)
        {
            try
            {
                using var line = JsonDocument.Parse(text);
                _history.Node(handle.Id, run, line.RootElement);
                _observations.Accept(handle.Id, run, line.RootElement);
                if (line.RootElement.GetProperty("ev").GetString() == "started")
                    CheckClock(handle.Id, line.RootElement.GetProperty("wall").GetInt64());
            }
            catch (Exception e) when (e is JsonException || e is KeyNotFoundException || e is InvalidOperationException)
            {
                // A process killed mid-line leaves half a line; anything else unreadable is kept for the record.
                _history.Controller("unreadable", w =>
                {
                    w.WriteString("node", handle.Id);
                    w.WriteNumber("run", run);
                    w.WriteString("text", text);
                });
            }
        }

        /// <summary>Measures a started node's wall clock against the controller's: the skewed node must be off by its skew, the others not at all.</summary>
        private void CheckClock(string node, long wallMs)
        {
            var offset = (wallMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) / 1000.0;
            var wanted = node == _schedule.SkewedNode && _capabilities.FaketimeLibrary != null ? _schedule.Skew : 0;
            _history.Controller("clock", w =>
            {
                w.WriteString("node", node);
                w.WriteNumber("offset", Math.Round(offset, 1));
            });
            if (Math.Abs(offset - wanted) > 5)
            {
                lock (_skipped)
                    _skipped.Add($"{node}'s clock is {offset:+0.0;-0.0} s off, not {wanted:+0;-0} s: the skew did not take effect as planned");
            }
        }

        private void OnExited(NodeHandle handle, int run, int exitCode)
        {
            var life = _observations.Lives.Last(l => l.Node == handle.Id && l.Run == run);
            _observations.Ended(life, exitCode, Monotonic.NowNs);
            _history.Controller("exited", w =>
            {
                w.WriteString("node", handle.Id);
                w.WriteNumber("run", run);
                w.WriteNumber("code", exitCode);
                w.WriteBoolean("killed", life.Killed);
            });
            if (!life.Killed && !_stopping)
                Console.WriteLine($"  !! {handle.Id} (run {run}) exited by itself with code {exitCode}; see {_folder}/logs/{handle.Id}.run{run}.stderr.txt");
        }

        private async Task PlayAsync(Episode episode, CancellationToken token)
        {
            Console.WriteLine($"  episode {episode.Describe()}");
            _history.Controller("episode", w =>
            {
                w.WriteNumber("number", episode.Number);
                w.WriteString("faults", episode.Describe());
            });
            var start = Monotonic.NowNs;
            var actions = new List<(TimeSpan At, Func<Task> Act)>();
            var network = new List<(Fault Fault, long AppliedNs)>();
            var restarts = new List<(string Node, long KilledNs, long RestartedNs)>();
            var faults = new NetworkFaults(_lab);
            foreach (var fault in episode.Faults)
            {
                if (_capabilities.Missing(fault.Needs) is string why)
                {
                    _skipped.Add($"episode {episode.Number}: {fault.Describe()}: {why}");
                    _history.Controller("skipped", w => w.WriteString("fault", fault.Describe() + ": " + why));
                    continue;
                }

                switch (fault)
                {
                    case Crash crash:
                        long killedAt = 0;
                        actions.Add((TimeSpan.Zero, async () => killedAt = await KillAsync(crash.Node).ConfigureAwait(false)));
                        actions.Add((crash.DownFor, () =>
                        {
                            Start(crash.Node, _nodes[crash.Node].Run + 1, hold: false);
                            restarts.Add((crash.Node, killedAt, Monotonic.NowNs));
                            return Task.CompletedTask;
                        }));
                        break;
                    case Freeze freeze:
                        long frozenAt = 0;
                        actions.Add((TimeSpan.Zero, () =>
                        {
                            frozenAt = Monotonic.NowNs;
                            _nodes[freeze.Node].Freeze();
                            _history.Controller("freeze", w => w.WriteString("node", freeze.Node));
                            return Task.CompletedTask;
                        }));
                        actions.Add((freeze.FrozenFor, () =>
                        {
                            _nodes[freeze.Node].Thaw();
                            _faults.Add(new FaultInterval(freeze.Node, "freeze", true, frozenAt, Monotonic.NowNs));
                            _history.Controller("thaw", w => w.WriteString("node", freeze.Node));
                            return Task.CompletedTask;
                        }));
                        break;
                    default:
                        actions.Add((TimeSpan.Zero, async () =>
                        {
                            network.Add((fault, Monotonic.NowNs)); // in force from the first rule on
                            _history.Controller("network", w => w.WriteString("fault", fault.Describe()));
                            await faults.AddAsync(fault).ConfigureAwait(false);
                            _history.Controller("applied");
                        }));
                        break;
                }
            }

            foreach (var (at, act) in actions.OrderBy(a => a.At))
            {
                await DelayUntilAsync(start + at.Ticks * 100, token).ConfigureAwait(false);
                await act().ConfigureAwait(false);
            }

            await DelayUntilAsync(start + episode.Length.Ticks * 100, token).ConfigureAwait(false);
            // A crash lasts until the restarted process is up again (its start returned: it joined): on a loaded machine
            // a process takes seconds to start, and the heal should not be timed from before the member exists.
            foreach (var (node, killed, restarted) in restarts)
            {
                var up = await WaitAsync(() => _observations.StartedAt(node) > restarted, null, token).ConfigureAwait(false);
                if (!up)
                    _violations.Add(new Violation("liveness", $"episode {episode.Number}: {node} (run {_nodes[node].Run}) did not finish starting within {Patience.TotalSeconds:0} s"));
                _faults.Add(new FaultInterval(node, "crash", true, killed, _observations.StartedAt(node) ?? Monotonic.NowNs));
            }

            await faults.HealAsync().ConfigureAwait(false);
            var healed = Monotonic.NowNs;
            _history.Controller("heal");
            foreach (var (fault, applied) in network)
            {
                var kind = fault is Partition p ? p.Shape.ToString().ToLowerInvariant() + " partition" : fault is Loss ? "loss" : "slow link";
                var affected = fault is Loss loss ? loss.Links.SelectMany(l => new[] { l.A, l.B }).Distinct() : fault.ExcusesFailedOf();
                foreach (var node in affected)
                    _faults.Add(new FaultInterval(node, kind, fault is not Loss, applied, healed, ExcusesItsReports: fault is SlowLink));
            }

            await ConvergeAsync(episode, healed, token).ConfigureAwait(false);
        }

        private async Task<long> KillAsync(string node)
        {
            _lives[node].Killed = true;
            var at = Monotonic.NowNs;
            await _nodes[node].KillAsync().ConfigureAwait(false);
            _history.Controller("kill", w => w.WriteString("node", node));
            return at;
        }

        /// <summary>
        /// Stops the writes, then waits until every survivor holds what every owner acknowledged, with identical views and
        /// digests. Acknowledged writes not held by every survivor <see cref="Bounds.WritesWithin"/> after the heal are late;
        /// those still not held after <see cref="Bounds.GiveUpAfter"/> are lost.
        /// </summary>
        private async Task ConvergeAsync(Episode episode, long healedNs, CancellationToken token)
        {
            var asked = Monotonic.NowNs;
            Broadcast("{\"cmd\":\"quiesce\"}");
            var answered = await WaitAsync(() => Nodes.All(n => _observations.QuiescedAt(n) >= asked), null, token, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (!answered)
                _violations.Add(new Violation("liveness", $"episode {episode.Number}: {string.Join(", ", Nodes.Where(n => !(_observations.QuiescedAt(n) >= asked)))} did not answer within 10 s"));

            var expected = Nodes.ToDictionary(n => n, n => _observations.Expected(n, _nodes[n].Run));
            var hashes = expected.ToDictionary(e => e.Key, e => StateDigest.OfValues(e.Value));
            Broadcast("{\"cmd\":\"interval\",\"ms\":100}");
            var writesBound = healedNs + Bounds.WritesWithin.Ticks * 100;
            var bound = healedNs + Bounds.ConvergeWithin.Ticks * 100;
            var giveUp = healedNs + Bounds.GiveUpAfter.Ticks * 100;
            double? writesSeconds = null;
            double? seconds = null;
            List<ConvergenceCheck.Mismatch>? atWritesBound = null;
            List<string>? atBound = null;
            List<string> differences;
            while (true)
            {
                var reports = new Dictionary<string, ViewReport>();
                foreach (var node in Nodes)
                {
                    if (_observations.Latest(node) is { } report && report.Run == _nodes[node].Run && report.AtNs > (_observations.QuiescedAt(node) ?? long.MaxValue))
                        reports[node] = report;
                }

                var now = Monotonic.NowNs;
                if (writesSeconds is null && ConvergenceCheck.WriteDifferences(_schedule.Nodes, reports, hashes).Count == 0)
                    writesSeconds = (reports.Values.Max(r => r.AtNs) - healedNs) / 1e9;
                differences = ConvergenceCheck.Differences(_schedule.Nodes, reports, hashes);
                if (differences.Count == 0)
                {
                    seconds = (reports.Values.Max(r => r.AtNs) - healedNs) / 1e9;
                    break;
                }

                if (now > writesBound && writesSeconds is null && atWritesBound is null)
                    atWritesBound = await MismatchesAsync(expected, token).ConfigureAwait(false);
                if (now > bound && atBound is null)
                    atBound = differences;
                if (now > giveUp)
                    break;
                await Task.Delay(50, token).ConfigureAwait(false);
            }

            var what = $"episode {episode.Number} ({episode.Describe().Trim()})";
            if (writesSeconds is { } w)
                _writesSeconds.Add(w);
            if (seconds is { } c)
                _convergeSeconds.Add(c);
            _history.Controller("converged", w =>
            {
                w.WriteNumber("writes", Math.Round(writesSeconds ?? -1, 3));
                w.WriteNumber("seconds", Math.Round(seconds ?? -1, 3));
            });
            Console.WriteLine(seconds is null
                ? $"     NOT converged {Bounds.GiveUpAfter.TotalSeconds:0} s after the heal: {Abbreviate(differences)}"
                : $"     every write everywhere {writesSeconds:0.00} s after the heal, converged after {seconds:0.00} s");

            if (atWritesBound != null)
            {
                var late = atWritesBound.Where(m => m.Lost).ToList();
                if (writesSeconds is null)
                {
                    // Never arrived: lost. Count what is still missing now.
                    var lost = (await MismatchesAsync(expected, token).ConfigureAwait(false)).Where(m => m.Lost).ToList();
                    foreach (var m in lost)
                        _lost.Add((m.Owner, m.Key));
                    if (lost.Count > 0)
                        _violations.Add(new Violation("lost writes", $"{what}: {lost.Count} acknowledged writes still not held {Bounds.GiveUpAfter.TotalSeconds:0} s after the heal: {Abbreviate(lost.Select(m => m.ToString()).ToList())}"));
                }

                else
                {
                    foreach (var m in late)
                        _late.Add((episode.Number, m.Owner, m.Key));
                }

                if (late.Count > 0 && writesSeconds != null)
                    _violations.Add(new Violation("late writes", $"{what}: {late.Count} acknowledged writes not held {Bounds.WritesWithin.TotalSeconds:0} s after the heal (all held {writesSeconds:0.0} s after it): {Abbreviate(late.Select(m => m.ToString()).ToList())}"));
                var previous = atWritesBound.Where(m => !m.Lost).ToList();
                if (previous.Count > 0)
                    _violations.Add(new Violation("convergence", $"{what}: {previous.Count} values of a previous run still held {Bounds.WritesWithin.TotalSeconds:0} s after the heal: {Abbreviate(previous.Select(m => m.ToString()).ToList())}"));
            }

            if (seconds is null)
                _violations.Add(new Violation("convergence", $"{what}: not converged {Bounds.GiveUpAfter.TotalSeconds:0} s after the heal: {Abbreviate(differences)}"));
            else if (atBound != null)
                _violations.Add(new Violation("convergence", $"{what}: converged only {seconds:0.0} s after the heal (bound {Bounds.ConvergeWithin.TotalSeconds:0} s); at the bound: {Abbreviate(atBound)}"));

            Broadcast("{\"cmd\":\"interval\",\"ms\":500}");
            Broadcast("{\"cmd\":\"resume\"}");
            _history.Controller("resume");
            await Task.Delay(Settle, token).ConfigureAwait(false);
        }


        /// <summary>Asks every survivor for its whole state and names each key it holds otherwise than acknowledged.</summary>
        private async Task<List<ConvergenceCheck.Mismatch>> MismatchesAsync(Dictionary<string, Dictionary<string, string>> expected, CancellationToken token)
        {
            var asked = Monotonic.NowNs;
            Broadcast("{\"cmd\":\"dump\"}");
            await WaitAsync(() => Nodes.All(n => _observations.Dump(n)?.AtNs >= asked), null, token, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            var dumps = Nodes.Select(n => (n, _observations.Dump(n))).Where(d => d.Item2?.AtNs >= asked).ToDictionary(d => d.n, d => d.Item2!.Value.States);
            var mismatches = ConvergenceCheck.Mismatches(dumps, expected, Nodes.ToDictionary(n => n, n => _nodes[n].Run));
            _history.Controller("mismatches", w => w.WriteString("keys", string.Join("; ", mismatches)));
            return mismatches;
        }

        private SeedResult Judge(TimeSpan duration)
        {
            string Time(long ns) => $"t={_history.Ms(ns) / 1000:0.000} s";
            var violations = new List<Violation>(_violations);
            var detector = FailureDetectorCheck.Analyze(_observations.Statuses, _faults, _observations.Lives, _checkedUntil, Time);
            violations.AddRange(detector.Violations);
            var growth = GrowthCheck.Analyze(_observations.Stats);
            violations.AddRange(growth.Violations);
            var messages = MessageCheck.Analyze(_observations.Sends.ToList(), _observations.Receipts, _observations.Lives);
            violations.AddRange(messages.Violations);
            foreach (var life in _observations.Lives.Where(l => l.EndNs != null && !l.Killed))
            {
                var log = $"logs/{life.Node}.run{life.Run}.stderr.txt";
                if (life.EndNs < _checkedUntil)
                    violations.Add(new Violation("crash", $"{life.Node} (run {life.Run}) exited by itself at {Time(life.EndNs!.Value)} with code {life.ExitCode}; see {log}"));
                else if (life.ExitCode != 0)
                    violations.Add(new Violation("crash", $"{life.Node} (run {life.Run}) did not stop cleanly when told to (code {life.ExitCode}); see {log}"));
            }

            violations.AddRange(_observations.Problems.Select(p => new Violation("crash", p)));

            var result = new SeedResult
            {
                Seed = _schedule.Seed,
                Mode = _mode,
                Folder = _folder,
                Schedule = _schedule.Describe(),
                Episodes = _schedule.Episodes.Count,
                Duration = duration,
                Skipped = _skipped.Concat(_capabilities.FaketimeMissing is string f ? new[] { $"clock skew of {_schedule.SkewedNode}: {f}" } : Array.Empty<string>()).ToList(),
                WritesAttempted = _observations.WritesAttempted,
                WritesAcknowledged = _observations.WritesAcknowledged,
                WritesFailed = _observations.WritesFailed,
                LostWrites = _lost.Count,
                LateWrites = _late.Count,
                FalseFailed = detector.FalseFailed,
                UnfaultedSuspicions = detector.UnfaultedSuspicions,
                ConvergeSeconds = _convergeSeconds,
                WritesEverywhereSeconds = _writesSeconds,
                DetectionSeconds = detector.DetectionSeconds,
                ComeBackSeconds = detector.ComeBackSeconds,
                Messages = messages,
                MaxRss = growth.MaxRss,
                MaxOpenSessions = growth.MaxOpenSessions,
                Violations = violations,
            };
            File.WriteAllText(Path.Combine(_folder, "summary.txt"), _schedule.Describe() + Environment.NewLine + result.Describe());
            return result;
        }

        private void Broadcast(string command)
        {
            foreach (var handle in _nodes.Values)
                handle.Send(command);
        }

        private static async Task DelayUntilAsync(long ns, CancellationToken token)
        {
            var wait = (ns - Monotonic.NowNs) / 1_000_000;
            if (wait > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(wait), token).ConfigureAwait(false);
        }

        /// <summary>Polls a condition; with a <paramref name="what"/>, failing to hold within the patience is an error of the run itself.</summary>
        private static async Task<bool> WaitAsync(Func<bool> condition, string? what, CancellationToken token, TimeSpan? patience = null)
        {
            var deadline = Monotonic.NowNs + (patience ?? Patience).Ticks * 100;
            while (!condition())
            {
                if (Monotonic.NowNs > deadline)
                {
                    if (what != null)
                        throw new TimeoutException($"Not within {(patience ?? Patience).TotalSeconds:0} s: {what}.");
                    return false;
                }

                await Task.Delay(50, token).ConfigureAwait(false);
            }

            return true;
        }

        private static string Abbreviate(IReadOnlyList<string> lines) =>
            string.Join("; ", lines.Take(8)) + (lines.Count > 8 ? $"; … ({lines.Count - 8} more)" : "");
    }
}
