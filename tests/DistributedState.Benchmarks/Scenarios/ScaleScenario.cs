using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;
using DistributedState.Benchmarks.Simulation;
using DistributedState.Transport;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Traffic per node per write as the network grows, two ways. <c>real-nodes</c>: real nodes (real crypto, timers,
    /// sessions) on the in-process simulated network of issue 5 (FaultInjectionNetwork, no faults), in real time, up to
    /// <c>--max-nodes</c>: the ground truth, but on 2 cores it stops at a few hundred nodes. <c>virtual-time</c>: the
    /// runtime's own relay decisions (RelayPolicy) on a simulated connection graph, one round per network hop, for
    /// every requested size (see <see cref="DisseminationSimulation"/>). Design section 7 asks that messages per node per
    /// update grow no faster than log N up to 10,000 nodes; the largest simulated size carries that check.
    /// </summary>
    internal static class ScaleScenario
    {
        private const string RealNodes = "real-nodes";
        private const string VirtualTime = "virtual-time";

        /// <summary>Seeds the fault-injection network and the simulation, so runs are reproducible.</summary>
        private const int Seed = 4711;

        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var writes = args.Int("writes", 50);
            var simulatedWrites = args.Int("simulated-writes", 200);
            var maxNodes = args.Int("max-nodes", 250);
            var simulated = new List<(int Nodes, ScenarioResult Result)>();
            foreach (var n in args.Nodes(100, 1000, 10000))
            {
                results.Add(n > maxNodes ? NotRun(n, maxNodes) : await RunRealNodesAsync(n, writes).ConfigureAwait(false));
                var virtualTime = await Common.Guard("scale", n, VirtualTime, result =>
                {
                    Simulate(n, simulatedWrites, result);
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                results.Add(virtualTime);
                if (virtualTime.Status == "ok")
                    simulated.Add((n, virtualTime));
            }

            CheckGrowthAgainstLogN(simulated);
            return results;
        }

        private static ScenarioResult NotRun(int n, int maxNodes) => new ScenarioResult("scale", n, RealNodes)
        {
            Status = "not-run",
            Error = $"real nodes not run above --max-nodes {maxNodes}: every node runs its own timers, real ECDSA and sessions, and on 2 cores " +
                "that stops at a few hundred nodes; the virtual-time row of this N is the simulated figure",
        };

        private static async Task<ScenarioResult> RunRealNodesAsync(int n, int writes)
        {
            var networkType = typeof(IDsnTransport).Assembly.GetType("DistributedState.Transport.FaultInjection.FaultInjectionNetwork");
            if (networkType is null)
            {
                return new ScenarioResult("scale", n, RealNodes)
                {
                    Status = "pending",
                    Error = "not available yet: needs the simulated in-process transport of issue 5 (DistributedState.Transport.FaultInjection.FaultInjectionNetwork); it is not in this build",
                };
            }

            return await Common.Guard("scale", n, RealNodes, async result =>
            {
                // Bound late (reflection), so the harness builds whether or not the simulated transport is in src/ yet.
                using var network = (IDisposable)Activator.CreateInstance(networkType, Seed)!;
                var addHost = networkType.GetMethod("AddHost", new[] { typeof(string) })!;
                var cluster = new InProcessCluster
                {
                    Configure = options =>
                    {
                        var host = addHost.Invoke(network, new object[] { options.NodeId })!;
                        host.GetType().GetMethod("Configure", new[] { typeof(DsnNodeOptions) })!.Invoke(host, new object[] { options });
                        options.ProbeInterval = TimeSpan.FromSeconds(1);
                        options.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                        options.AntiEntropyInterval = TimeSpan.FromSeconds(5);
                        options.ConnectTimeout = TimeSpan.FromSeconds(10);
                        options.HandshakeTimeout = TimeSpan.FromSeconds(10);
                        options.JoinTimeout = TimeSpan.FromSeconds(60);
                    },
                };
                await using (cluster)
                {
                    var start = Clock.Now;
                    await cluster.AddManyAsync(Common.Ids(n)).ConfigureAwait(false);
                    await cluster.WaitAllAliveAsync(TimeSpan.FromSeconds(300)).ConfigureAwait(false);
                    result.Notes.Add($"{n} nodes on the simulated network formed in {Clock.MsSince(start) / 1000:0.0} s; " + network);
                    var nodes = cluster.Nodes;
                    await Task.Delay(2000).ConfigureAwait(false); // let joins' anti-entropy finish before measuring
                    long frames0 = Common.Sum(nodes, "frames.sent"), bytes0 = Common.Sum(nodes, "bytes.sent");
                    var idleStart = Clock.Now;
                    await Task.Delay(5000).ConfigureAwait(false); // idle measurement window
                    var idleSeconds = Clock.MsSince(idleStart) / 1000;
                    double idleFrames = Common.Sum(nodes, "frames.sent") - frames0, idleBytes = Common.Sum(nodes, "bytes.sent") - bytes0;
                    long frames1 = Common.Sum(nodes, "frames.sent"), bytes1 = Common.Sum(nodes, "bytes.sent");
                    var t1 = Clock.Now;
                    var times = new List<double>();
                    var writersConnectedToAll = 0;
                    for (var w = 0; w < writes; w++)
                    {
                        var writer = nodes[(w * 7919) % n];
                        // Such a writer gives its push relay budget 0 (RelayPolicy.InitialBudget): nobody relays it.
                        if (Internals.SessionCount(writer) >= n - 1)
                            writersConnectedToAll++;
                        var value = "w" + w.ToString(CultureInfo.InvariantCulture);
                        var others = nodes.Where(x => !ReferenceEquals(x, writer)).ToList();
                        var at = Clock.Now;
                        writer.SetData("scale", value);
                        var each = await Converge.EachAsync(others.Count, i => others[i].GetData(writer.NodeId, "scale") == value, cluster.Pulse, at, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                        times.Add(each.Max());
                    }

                    var wall = Clock.MsSince(t1) / 1000;
                    var frames = Common.Sum(nodes, "frames.sent") - frames1 - idleFrames / idleSeconds * wall;
                    var bytes = Common.Sum(nodes, "bytes.sent") - bytes1 - idleBytes / idleSeconds * wall;
                    result.Add("writes_count", writes);
                    result.Add("frames_per_node_per_write", frames / n / writes);
                    result.Add("frames_per_write_total", frames / writes);
                    result.Add("bytes_per_node_per_write", bytes / n / writes);
                    result.Add("log2_n", Math.Log(n, 2));
                    result.Add("converge_median_ms", Stats.Median(times));
                    result.Add("converge_max_ms", Stats.Max(times));
                    result.Add("writers_connected_to_all_fraction", writersConnectedToAll / (double)writes);
                    result.Add("idle_frames_per_s_per_node", idleFrames / idleSeconds / n);
                    result.Add("sessions_per_node_avg", nodes.Average(Internals.SessionCount));
                    result.Notes.Add("rounds to converge: not observable (the simulated transport runs in real time); converge_* is wall time on the simulated network");
                }
            }).ConfigureAwait(false);
        }

        /// <summary>Runs <paramref name="writes"/> writes, from rotating writers, through a simulated network of <paramref name="n"/> nodes.</summary>
        private static void Simulate(int n, int writes, ScenarioResult result)
        {
            var random = new Random(Seed);
            var maxConnections = new DsnNodeOptions().MaxConnections;
            var start = Clock.Now;
            var graph = ConnectionGraph.Build(n, maxConnections, random);
            var built = Clock.MsSince(start);
            var simulation = new DisseminationSimulation(graph, maxConnections, random);
            var outcomes = new List<WriteOutcome>(writes);
            for (var w = 0; w < writes; w++)
                outcomes.Add(simulation.Write((int)((long)w * 7919 % n)));

            double pushFrames = outcomes.Sum(o => o.PushFrames), repairFrames = outcomes.Sum(o => o.RepairFrames);
            result.Add("writes_count", writes);
            result.Add("frames_per_node_per_write", (pushFrames + repairFrames) / n / writes);
            result.Add("push_frames_per_node_per_write", pushFrames / n / writes);
            result.Add("repair_frames_per_node_per_write", repairFrames / n / writes);
            result.Add("frames_per_write_total", (pushFrames + repairFrames) / writes);
            result.Add("repair_frames_per_write_total", repairFrames / writes);
            result.Add("frames_per_node_per_write_per_ln_n", (pushFrames + repairFrames) / n / writes / Math.Log(n));
            result.Add("log2_n", Math.Log(n, 2));
            result.Add("ln_n", Math.Log(n));
            result.Add("relay_fanout_count", simulation.Fanout);
            result.Add("initial_budget_median", Stats.Median(outcomes.Select(o => (double)o.InitialBudget).ToList()));
            result.Add("writers_connected_to_all_fraction", outcomes.Count(o => o.InitialBudget == 0) / (double)writes);
            result.Add("rounds_median", Stats.Median(outcomes.Select(o => (double)o.PushRounds).ToList()));
            result.Add("rounds_max", outcomes.Max(o => o.PushRounds));
            result.Add("reached_by_push_fraction", outcomes.Average(o => o.ReachedByPush / (double)(n - 1)));
            result.Add("writes_complete_by_push_fraction", outcomes.Count(o => o.RepairedNodes == 0) / (double)writes);
            result.Add("repaired_nodes_per_write_avg", outcomes.Average(o => o.RepairedNodes));
            result.Add("repair_probe_periods_max", outcomes.Max(o => o.RepairProbePeriods));
            result.Add("sessions_per_node_avg", graph.AverageSessions);
            result.Add("sessions_per_node_max", graph.MaxSessions);
            result.Add("sessions_per_node_min", graph.MinSessions);
            result.Add("connections_shed_while_forming_count", graph.Sheds);
            result.Notes.Add($"virtual time: {writes} writes, seed {Seed}, MaxConnections {maxConnections}; graph built in {built / 1000:0.0} s, " +
                $"writes simulated in {(Clock.MsSince(start) - built) / 1000:0.0} s");
            result.Notes.Add("rounds = network hops until the last node the push reached held the write; nodes the push missed were then " +
                "repaired by anti-entropy within repair_probe_periods (probe intervals, 200 ms by default)");
            result.Notes.Add("model: the runtime's RelayPolicy on a simulated connection graph; no crypto, no failure detection, no real timing, " +
                "one write at a time; probe traffic is idle traffic and not counted, the digest exchanges a differing probe summary starts are");
        }

        /// <summary>
        /// Design section 7: messages per node per update grow no faster than log N. Compares the smallest and the
        /// largest simulated size (the figure goes on the largest), and notes each step between sizes.
        /// </summary>
        private static void CheckGrowthAgainstLogN(List<(int Nodes, ScenarioResult Result)> simulated)
        {
            if (simulated.Count < 2)
                return;
            var sizes = simulated.OrderBy(s => s.Nodes).ToList();
            static double Figure((int Nodes, ScenarioResult Result) size, string field) => size.Result.Figures.Single(f => f.Field == field).Value;
            var (smallest, largest) = (sizes[0], sizes[sizes.Count - 1]);
            double framesFrom = Figure(smallest, "frames_per_node_per_write"), framesTo = Figure(largest, "frames_per_node_per_write");
            double logFrom = Math.Log(smallest.Nodes), logTo = Math.Log(largest.Nodes);
            var framesGrowth = framesTo / framesFrom;
            var logGrowth = logTo / logFrom;
            var from = smallest.Nodes.ToString(CultureInfo.InvariantCulture);
            largest.Result.AtMost("frames_per_node_per_write_growth_ratio", framesGrowth, logGrowth, $"(growth of log N from N={from})");
            largest.Result.Add("push_frames_per_node_per_write_growth_ratio",
                Figure(largest, "push_frames_per_node_per_write") / Figure(smallest, "push_frames_per_node_per_write"));
            largest.Result.Add("log_n_growth_ratio", logGrowth);
            largest.Result.Notes.Add($"growth from N={from} to N={largest.Nodes}: frames per node per write {ScenarioResult.Fmt(framesFrom)} -> " +
                $"{ScenarioResult.Fmt(framesTo)} (x{framesGrowth:0.###}), ln N {logFrom:0.###} -> {logTo:0.###} (x{logGrowth:0.###}): " +
                (framesGrowth <= logGrowth ? "within" : "FASTER than") + " log N");
            for (var i = 1; i < sizes.Count; i++)
            {
                var (a, b) = (sizes[i - 1], sizes[i]);
                largest.Result.Notes.Add($"step N={a.Nodes} -> N={b.Nodes}: frames per node per write " +
                    $"x{Figure(b, "frames_per_node_per_write") / Figure(a, "frames_per_node_per_write"):0.###}, ln N x{Math.Log(b.Nodes) / Math.Log(a.Nodes):0.###}");
            }
        }
    }
}
