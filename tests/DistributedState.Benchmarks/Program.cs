using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using DistributedState.Benchmarks.Harness;
using DistributedState.Benchmarks.Scenarios;

namespace DistributedState.Benchmarks
{
    /// <summary>
    /// dotnet run -c Release --project tests/DistributedState.Benchmarks -- &lt;scenario&gt; [--nodes N[,N...]] [--trials T]
    ///     [--json file] [--processes] [--seconds S]
    /// </summary>
    public static class Program
    {
        private static readonly string[] AllScenarios = { "join", "propagation", "throughput", "failure", "memory", "traffic", "soak", "scale", "query", "churn", "rotation", "compare" };

        public static async Task<int> Main(string[] argv)
        {
            if (argv.Length == 0 || argv[0] is "-h" or "--help" or "help")
            {
                Usage();
                return argv.Length == 0 ? 2 : 0;
            }

            if (argv[0] == "micro")
            {
                // In-process: no generated project to build (it would inherit the repository's warnings-as-errors settings).
                var rest = argv.Skip(1).ToList();
                if (!rest.Any(a => a is "--filter" or "-f"))
                    rest.AddRange(new[] { "--filter", "*" });
                if (!rest.Any(a => a is "--inProcess" or "-i"))
                    rest.Add("--inProcess");
                var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), DefaultConfig.Instance);
                return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
            }

            Arguments args;
            try
            {
                args = Arguments.Parse(argv);
            }
            catch (ArgumentException error)
            {
                Console.Error.WriteLine(error.Message);
                Usage();
                return 2;
            }

            if (args.Scenario == "child")
                return await ChildNode.RunAsync(args).ConfigureAwait(false);

            var requested = args.Scenario == "all" ? AllScenarios : args.Scenario.Split(',', StringSplitOptions.RemoveEmptyEntries);
            var unknown = requested.Where(s => !AllScenarios.Contains(s)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}.");
                Usage();
                return 2;
            }

            var command = "dotnet run -c Release --project tests/DistributedState.Benchmarks -- " + string.Join(" ", argv);
            Console.WriteLine($"# {command}");
            Console.WriteLine($"# machine: {Machine.Describe()}; load average (1/5/15 min) at start: {Machine.LoadAtStart}");
            var results = new List<ScenarioResult>();
            foreach (var scenario in requested)
            {
                Progress.Say($"== {scenario} ==");
                try
                {
                    results.AddRange(await Run(scenario, args).ConfigureAwait(false));
                }
                catch (Exception error)
                {
                    results.Add(new ScenarioResult(scenario, null) { Status = "failed", Error = error.GetType().Name + ": " + error.Message });
                }
            }

            Report.PrintTable(results, Console.Out);
            Console.WriteLine($"# load average at the end: {Machine.LoadAverage()} (other processes on this machine skew the figures)");
            var json = args.Get("json");
            if (json is not null)
            {
                Report.WriteJson(results, json, command);
                Console.WriteLine($"# JSON written to {json}");
            }

            var failed = results.Where(r => r.Status == "failed").ToList();
            foreach (var r in results.Where(r => r.Status is "pending" or "not-run"))
                Console.WriteLine($"# {r.Status}: {r.Scenario} N={r.Nodes}: {r.Error}");
            if (failed.Count > 0)
                Console.WriteLine($"# {failed.Count} scenario run(s) failed: " + string.Join(", ", failed.Select(f => f.Scenario + (f.Nodes is null ? "" : " N=" + f.Nodes) + (f.Variant is null ? "" : " " + f.Variant))));
            return failed.Count > 0 ? 1 : 0;
        }

        private static Task<List<ScenarioResult>> Run(string scenario, Arguments args) => scenario switch
        {
            "join" => JoinScenario.RunAsync(args),
            "propagation" => PropagationScenario.RunAsync(args),
            "throughput" => ThroughputScenario.RunAsync(args),
            "failure" => FailureScenario.RunAsync(args),
            "memory" => MemoryScenario.RunAsync(args),
            "traffic" => TrafficScenario.RunAsync(args),
            "soak" => SoakScenario.RunAsync(args),
            "churn" => ChurnScenario.RunAsync(args),
            "scale" => ScaleScenario.RunAsync(args),
            "query" => QueryScenario.RunAsync(args),
            "rotation" => RotationScenario.RunAsync(args),
            "compare" => CompareScenario.RunAsync(args),
            _ => throw new ArgumentException(scenario),
        };

        private static void Usage()
        {
            Console.Error.WriteLine(@"usage: dotnet run -c Release --project tests/DistributedState.Benchmarks -- <scenario> [options]
scenarios: join | propagation | throughput | failure | memory | traffic | soak | scale | query | churn | rotation | compare | all | micro [BenchmarkDotNet args]
  (several at once: join,propagation)
options:
  --nodes N[,N...]   cluster sizes (defaults per scenario: join 10,30,100; propagation 2,10,30,100; throughput 10;
                     failure 10,30; memory 1,10,100; traffic 10,30,100; soak 30; query 10,30; churn 5;
                     rotation 10,30; compare 10,30)
  --trials T         trials per size (propagation 200, join 10, query 20, rotation 10, failure 5 in-process / 3 with --processes)
  --seconds S        throughput: writing time (10); traffic: idle window (10); soak: duration (60; 600 = 10 min);
                     failure: idle window for false reports (10)
  --keys K           join: keys per member (100); memory: keys per node (10)
  --retention S      churn: DepartedRetention in seconds (30); --seconds is its duration (120; 600 = 10 min)
  --rate R           soak: writes per second across the cluster (50)
  --kinds K[,K...]   failure: which of graceful,crash,freeze (all three)
  --writes W         traffic, scale: timed single writes (100, 50)
  --max-nodes M      scale: real nodes above M are not run; their virtual-time rows still are (250)
  --simulated-writes W  scale: writes per size in the virtual-time simulation (200)
  --processes        one node per child process (join, propagation, throughput, failure, memory, traffic, soak;
                     compare always): times from events in the children on one monotonic clock, CPU and RSS
                     from /proc; crash = SIGKILL, freeze = SIGSTOP (/bin/kill). Defaults: N = 10,30 (2,10,30
                     for propagation, 30 for soak); throughput runs one writer only
compare              ours and Serf agents (if `serf` is installed), same N, one process each, ours then Serf:
                     --nodes (10,30), --trials propagation trials (30; joins = trials/6, at least 3; failures 3
                     each), --seconds idle window (30); bytes on the wire via nftables when run as root
  --json FILE        write one object per scenario and N (units in field names)");
        }
    }

    internal static class Progress
    {
        private static readonly DateTime Started = DateTime.UtcNow;

        public static void Say(string text) =>
            Console.Error.WriteLine($"[{(DateTime.UtcNow - Started).TotalSeconds,7:0.0}s] {text}");
    }

    internal sealed class Arguments
    {
        private readonly Dictionary<string, string?> _options = new Dictionary<string, string?>(StringComparer.Ordinal);

        private Arguments(string scenario) => Scenario = scenario;

        public string Scenario { get; }

        private static readonly HashSet<string> Flags = new HashSet<string>(StringComparer.Ordinal) { "processes", "warm" };

        public static Arguments Parse(string[] argv)
        {
            var args = new Arguments(argv[0]);
            for (var i = 1; i < argv.Length; i++)
            {
                var a = argv[i];
                if (!a.StartsWith("--", StringComparison.Ordinal))
                    throw new ArgumentException($"Unexpected argument '{a}'.");
                var name = a.Substring(2);
                if (Flags.Contains(name))
                    args._options[name] = "true";
                else if (i + 1 < argv.Length)
                    args._options[name] = argv[++i];
                else
                    throw new ArgumentException($"Option '{a}' needs a value.");
            }

            return args;
        }

        public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

        public bool Flag(string name) => _options.ContainsKey(name);

        public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public IReadOnlyList<int> Nodes(params int[] defaults) =>
            Get("nodes") is { } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList() : defaults;
    }
}
