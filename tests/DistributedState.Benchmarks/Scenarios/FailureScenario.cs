using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Time until every survivor marks a node that stopped gracefully (Left), crashed (Failed) or froze (Failed);
    /// flapping of a frozen node; its recovery after it resumes; and false failure reports over an idle period.
    /// In-process, a crash is DsnNode.CrashAsync and a freeze DsnNode.Freeze; with --processes each node is a child
    /// process and they are SIGKILL and SIGSTOP.
    /// </summary>
    internal static class FailureScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var processes = args.Flag("processes");
            var trials = args.Int("trials", processes ? 3 : 5);
            var idleSeconds = args.Double("seconds", 10);
            var mode = processes ? "processes" : "in-process";
            foreach (var n in args.Nodes(10, 30))
            {
                IFailureCluster? cluster = null;
                var setup = await Common.Guard("failure", n, mode + " idle", async result =>
                {
                    cluster = processes ? new ProcessCluster() : new InProcessCluster();
                    var start = Clock.Now;
                    await cluster.AddManyAsync(Common.Ids(n)).ConfigureAwait(false);
                    await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                    result.Notes.Add($"cluster of {n} formed in {Clock.MsSince(start) / 1000:0.0} s");
                    var from = Clock.Now;
                    await Task.Delay(TimeSpan.FromSeconds(idleSeconds)).ConfigureAwait(false); // a measurement window, not a wait for something
                    var records = cluster.Log.Between(from, Clock.Now);
                    result.Add("idle_seconds", idleSeconds);
                    result.AtMost("false_suspect_reports_count", records.Count(r => r.Status == DsnPeerStatus.Suspect), 0, "");
                    result.AtMost("false_failed_reports_count", records.Count(r => r.Status == DsnPeerStatus.Failed), 0, "");
                }).ConfigureAwait(false);
                results.Add(setup);
                if (cluster is null)
                    continue;
                try
                {
                    if (setup.Status != "ok" && setup.Error is not null && setup.Error.Contains("formed", StringComparison.Ordinal))
                        continue;
                    var kinds = (args.Get("kinds") ?? "graceful,crash,freeze").Split(',', StringSplitOptions.RemoveEmptyEntries)
                        .Select(k => Enum.Parse<FailureKind>(k, ignoreCase: true)).ToList();
                    foreach (var kind in kinds)
                        results.Add(await Common.Guard("failure", n, mode + " " + Name(kind, processes), r => TrialsAsync(cluster, kind, n, trials, r)).ConfigureAwait(false));
                }
                finally
                {
                    Progress.Say("  stopping the cluster");
                    await cluster.DisposeAsync().ConfigureAwait(false);
                }
            }

            return results;
        }

        private static string Name(FailureKind kind, bool processes) => kind switch
        {
            FailureKind.Graceful => "graceful-stop",
            FailureKind.Crash => processes ? "kill-9" : "crash",
            _ => processes ? "sigstop" : "freeze",
        };

        /// <summary>Trials of one kind of failure on a formed cluster (ours in one process or in many, or Serf agents, for compare).</summary>
        public static async Task TrialsAsync(IFailureCluster cluster, FailureKind kind, int n, int trials, ScenarioResult result)
        {
            var random = new Random(n * 31 + (int)kind);
            var allSeen = new List<double>();
            var firstSeen = new List<double>();
            var recovered = new List<double>();
            var flaps = 0;
            var flapsAfterThaw = 0;
            var want = kind == FailureKind.Graceful ? DsnPeerStatus.Left : DsnPeerStatus.Failed;
            for (var t = 0; t < trials; t++)
            {
                var live = cluster.LiveIds;
                var victim = live[random.Next(live.Count)];
                var survivors = live.Where(id => id != victim).ToList();
                var start = await cluster.ActAsync(victim, kind).ConfigureAwait(false);
                await Converge.EachAsync(survivors.Count, i => cluster.Log.First(survivors[i], victim, want, start) is not null, cluster.Pulse, start, TimeSpan.FromSeconds(60),
                    () => "not yet " + want + " on " + string.Join(",", survivors.Where(s => cluster.Log.First(s, victim, want, start) is null).Take(5))).ConfigureAwait(false);
                var seen = survivors.Select(s => Clock.Ms(start, cluster.Log.First(s, victim, want, start)!.Value)).ToList();
                allSeen.Add(seen.Max());
                firstSeen.Add(seen.Min());
                Progress.Say($"  {kind} of {victim}: first survivor {seen.Min():0} ms, all {seen.Max():0} ms");

                if (kind == FailureKind.Freeze)
                {
                    // Watch a further 2 s while it stays frozen: nobody may bring it back to Alive or Suspect.
                    var allFailedAt = Clock.Now;
                    await Task.Delay(2000).ConfigureAwait(false); // a measurement window
                    var thawAt = await cluster.ThawAsync(victim).ConfigureAwait(false);
                    Progress.Say($"  resumed {victim}");
                    flaps += cluster.Log.Between(start, thawAt).Count(r => r.Subject == victim && survivors.Contains(r.Observer) && r.Status == DsnPeerStatus.Alive);
                    flaps += cluster.Log.Between(allFailedAt, thawAt).Count(r => r.Subject == victim && survivors.Contains(r.Observer) && r.Status != DsnPeerStatus.Failed);
                    await Converge.EachAsync(survivors.Count, i => cluster.Log.First(survivors[i], victim, DsnPeerStatus.Alive, thawAt) is not null, cluster.Pulse, thawAt, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                    recovered.Add(survivors.Max(s => Clock.Ms(thawAt, cluster.Log.First(s, victim, DsnPeerStatus.Alive, thawAt)!.Value)));
                    var back = Clock.Now;
                    Progress.Say($"  all see {victim} Alive again after {recovered[recovered.Count - 1]:0} ms");
                    await Task.Delay(2000).ConfigureAwait(false); // a measurement window
                    flapsAfterThaw += cluster.Log.Between(back, Clock.Now).Count(r => r.Subject == victim && r.Status != DsnPeerStatus.Alive);
                    await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                }
                else
                {
                    // Keep the cluster at N: a fresh member replaces the departed one.
                    await cluster.AddManyAsync(new[] { $"r-{kind.ToString().ToLowerInvariant()}{t.ToString(CultureInfo.InvariantCulture)}" }).ConfigureAwait(false);
                    await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                    // Measure the next trial in steady state: members dial a newcomer they only heard of after 1–3 s,
                    // and a child process cannot be asked for its connection count, so give that time to pass.
                    await Task.Delay(3500).ConfigureAwait(false); // a settling window, not a wait for a condition
                    await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                }
            }

            result.Add("trials_count", trials);
            result.Add("first_survivor_median_ms", Stats.Median(firstSeen));
            var median = Stats.Median(allSeen);
            var max = Stats.Max(allSeen);
            switch (kind)
            {
                case FailureKind.Graceful:
                    result.AtMost("all_survivors_median_ms", median, 100, "ms");
                    result.Add("all_survivors_max_ms", max);
                    break;
                case FailureKind.Crash:
                    result.AtMost("all_survivors_median_ms", median, 1500, "ms");
                    result.AtMost("all_survivors_max_ms", max, 3000, "ms");
                    break;
                default:
                    result.Add("all_survivors_median_ms", median);
                    result.AtMost("all_survivors_max_ms", max, 3000, "ms");
                    result.AtMost("flaps_while_frozen_count", flaps, 0, "");
                    result.Add("all_see_alive_after_resume_median_ms", Stats.Median(recovered));
                    result.AtMost("flaps_after_resume_count", flapsAfterThaw, 0, "");
                    break;
            }

            result.Notes.Add($"time from the act until every survivor reports the node {want} (event timestamps); " +
                (kind == FailureKind.Freeze ? "a frozen node stays frozen 2 s after all mark it Failed, then resumes and must refute" : "each departed node is replaced by a new member"));
        }
    }
}
