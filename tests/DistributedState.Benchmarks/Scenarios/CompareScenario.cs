using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Ours and HashiCorp Serf side by side, one process per node for both, the same N on the same machine, Serf's
    /// cluster right after ours: propagation of one change (a SetData / a <c>serf tags -set</c>) to every other
    /// member, join, crash (SIGKILL), freeze (SIGSTOP) and graceful leave as seen by every survivor, idle CPU
    /// (/proc) and bytes on the wire (nftables), RSS per process and the largest value each accepts. Prints ours,
    /// Serf's and ours/Serf; where no <c>serf</c> is installed it says so and prints ours alone.
    /// </summary>
    internal static class CompareScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var trials = args.Int("trials", 30);
            var idleSeconds = args.Double("seconds", 30);
            var serf = SerfCluster.Version();
            if (serf is null)
                Progress.Say("  serf is not installed here (apt-get install serf): ours alone");
            foreach (var n in args.Nodes(10, 30))
            {
                var ours = await Common.Guard("compare", n, "ours", r => OursAsync(n, trials, idleSeconds, r)).ConfigureAwait(false);
                results.Add(ours);
                if (serf is null)
                {
                    ours.Notes.Add("Serf is absent on this machine (no `serf` on PATH; Debian: apt-get install serf): no comparison");
                    continue;
                }

                var theirs = await Common.Guard("compare", n, "serf", r => SerfAsync(n, trials, idleSeconds, r)).ConfigureAwait(false);
                theirs.Notes.Add(serf + "; agents on 127.0.0.1 with free ports, -encrypt (AES-256 key), -profile lan");
                results.Add(theirs);
                results.Add(Ratio(ours, theirs));
            }

            return results;
        }

        private static async Task OursAsync(int n, int trials, double idleSeconds, ScenarioResult result)
        {
            await using var cluster = await AcrossProcesses.FormAsync(n, result).ConfigureAwait(false);
            await Task.Delay(3000).ConfigureAwait(false); // let the join-time dialling settle before the idle window, as for Serf
            var ids = cluster.LiveIds;
            var idle = await AcrossProcesses.IdleAsync(AcrossProcesses.Pids(cluster), ids.Select(cluster.Port).ToList(), idleSeconds, () => AcrossProcesses.CountersAsync(cluster)).ConfigureAwait(false);
            Idle(result, idle);
            result.Add("idle_counter_bytes_per_s_per_node", idle.CounterBytesPerSecondPerNode);
            result.Add("rss_per_process_median_mb", AcrossProcesses.Rss(AcrossProcesses.Pids(cluster)).Median);
            var (all, _) = await AcrossProcesses.PropagateAsync(cluster, trials, Math.Min(5, trials)).ConfigureAwait(false);
            Propagation(result, all);
            var joins = await AcrossProcesses.JoinAsync(cluster, Math.Max(3, trials / 6), 0).ConfigureAwait(false);
            result.Add("join_ms", Stats.Median(joins.Complete));
            result.Add("join_from_spawn_ms", Stats.Median(joins.FromSpawn));
            result.Add("largest_value_bytes", double.Parse((await cluster.AskAsync(ids[0], "largest").ConfigureAwait(false))[0], CultureInfo.InvariantCulture));
            await FailuresAsync(cluster, n, result).ConfigureAwait(false);
            result.Notes.Add("join_ms = from StartAsync in the joiner's process (process start-up excluded; join_from_spawn_ms includes it) until it sees every member Alive; members hold no keys, as Serf's hold one small tag");
        }

        private static async Task SerfAsync(int n, int trials, double idleSeconds, ScenarioResult result)
        {
            await using var cluster = new SerfCluster();
            var start = Clock.Now;
            await cluster.AddManyAsync(Common.Ids(n)).ConfigureAwait(false);
            await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
            result.Notes.Add($"{n} Serf agents (4 started at a time) with full membership everywhere after {Clock.MsSince(start) / 1000:0.0} s");
            await Task.Delay(3000).ConfigureAwait(false); // as for ours
            var ids = cluster.LiveIds;
            var pids = ids.Select(cluster.Pid).ToList();
            var idle = await AcrossProcesses.IdleAsync(pids, ids.Select(cluster.Port).ToList(), idleSeconds, null).ConfigureAwait(false);
            Idle(result, idle);
            result.Add("rss_per_process_median_mb", AcrossProcesses.Rss(pids).Median);
            var (all, _) = await cluster.PropagateAsync(trials, Math.Min(5, trials)).ConfigureAwait(false);
            Propagation(result, all);
            var joins = await cluster.JoinAsync(Math.Max(3, trials / 6)).ConfigureAwait(false);
            result.Add("join_ms", Stats.Median(joins));
            result.Add("join_from_spawn_ms", Stats.Median(joins));
            if (cluster.LeaveHangs > 0)
                result.Notes.Add($"{cluster.LeaveHangs} joiner agent(s) had not exited 10 s after SIGINT (their leave was logged) and got a second SIGINT");
            result.Add("largest_value_bytes", await cluster.LargestValueAsync().ConfigureAwait(false));
            await FailuresAsync(cluster, n, result).ConfigureAwait(false);
            result.Notes.Add("propagation = from the writer agent's own log line for its tag update (or the CLI's return, if earlier) until the last other agent logs EventMemberUpdate; join_ms = from spawning the agent (Go's start-up is a few ms) until its log shows every member joined; largest value = the largest tag value `serf tags -set` accepts (Serf bounds a member's encoded tags at 512 bytes)");
        }

        private static void Idle(ScenarioResult result, AcrossProcesses.IdleCost idle)
        {
            result.Add("idle_cpu_percent_per_node", idle.CpuPercentPerNode);
            result.Add("idle_wire_bytes_per_s_per_node", idle.WireBytesPerSecondPerNode);
            if (idle.WireNote is not null)
                result.Notes.Add("wire bytes not counted: " + idle.WireNote);
        }

        private static void Propagation(ScenarioResult result, IReadOnlyList<double> all)
        {
            result.Add("propagation_median_ms", Stats.Median(all));
            result.Add("propagation_p99_ms", Stats.Percentile(all, 99));
        }

        /// <summary>Graceful leave, crash and freeze, three trials each, by the failure scenario's own trials; keeps the figures of every survivor's view.</summary>
        private static async Task FailuresAsync(IFailureCluster cluster, int n, ScenarioResult result)
        {
            foreach (var (kind, name) in new[] { (FailureKind.Graceful, "leave"), (FailureKind.Crash, "kill9"), (FailureKind.Freeze, "sigstop") })
            {
                var trial = new ScenarioResult("failure", n);
                try
                {
                    await FailureScenario.TrialsAsync(cluster, kind, n, 3, trial).ConfigureAwait(false);
                }
                catch (TimeoutException error)
                {
                    // One side not seeing a departure as the scenario expects (e.g. a Serf survivor that never logs the
                    // leave) is a result, not a reason to lose the other figures: say so and go on.
                    result.Notes.Add($"{name}: {error.Message}");
                    result.Add(name + "_not_converged_count", 1);
                    continue;
                }

                foreach (var f in trial.Figures.Where(f => f.Field is "all_survivors_median_ms" or "all_survivors_max_ms" or "flaps_while_frozen_count"))
                    result.Add(name + "_" + f.Field, f.Value);
            }
        }

        /// <summary>ours / Serf for every figure both have; below 1 means ours is smaller (faster, cheaper), except for the largest value.</summary>
        private static ScenarioResult Ratio(ScenarioResult ours, ScenarioResult theirs)
        {
            var ratio = new ScenarioResult("compare", ours.Nodes, "ratio ours/serf");
            if (ours.Status != "ok" || theirs.Status != "ok")
            {
                ratio.Status = "not-run";
                ratio.Error = "one side failed: no ratios";
                return ratio;
            }

            foreach (var f in ours.Figures)
            {
                var other = theirs.Figures.FirstOrDefault(t => t.Field == f.Field);
                if (other is not null && !f.Field.EndsWith("_count", StringComparison.Ordinal))
                    ratio.Add(f.Field.Replace("_ms", "", StringComparison.Ordinal).Replace("_mb", "", StringComparison.Ordinal) + "_ratio", other.Value == 0 ? double.NaN : f.Value / other.Value);
            }

            ratio.Notes.Add("ours / Serf, same machine, same N, Serf's cluster run right after ours: below 1 = ours is faster or cheaper (for largest_value: above 1 = ours accepts larger values)");
            return ratio;
        }
    }
}
