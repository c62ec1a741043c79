using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Time for a whole key rotation from one member: install a new key, make it primary, remove the old one, each
    /// awaited until every one of the N members has reported (each step must change every ring, or the trial fails).
    /// </summary>
    internal static class RotationScenario
    {
        private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var trials = args.Int("trials", 10);
            foreach (var n in args.Nodes(10, 30))
            {
                results.Add(await Common.Guard("rotation", n, null, async result =>
                {
                    await using var cluster = await Common.FormAsync(n, result).ConfigureAwait(false);
                    var nodes = cluster.Nodes;
                    var steps = new[] { new List<double>(), new List<double>(), new List<double>() };
                    var total = new List<double>();
                    for (var t = -1; t < trials; t++)
                    {
                        var asker = nodes[(t + 1) % nodes.Count];
                        var oldKey = asker.NetworkKeyring.Primary;
                        var newKey = DsnNetworkKey.Generate();
                        var clock = Stopwatch.StartNew();
                        var install = await Step(asker.InstallNetworkKeyAsync(newKey, StepTimeout), n, "install").ConfigureAwait(false);
                        var use = await Step(asker.UseNetworkKeyAsync(newKey.Id, StepTimeout), n, "use").ConfigureAwait(false);
                        var remove = await Step(asker.RemoveNetworkKeyAsync(oldKey.Id, StepTimeout), n, "remove").ConfigureAwait(false);
                        if (t < 0)
                            continue; // the first rotation opens the connections members answer on
                        steps[0].Add(install);
                        steps[1].Add(use);
                        steps[2].Add(remove);
                        total.Add(clock.Elapsed.TotalMilliseconds);
                    }

                    result.Add("trials_count", total.Count);
                    result.Add("rotation_median_ms", Stats.Median(total));
                    result.Add("rotation_p99_ms", Stats.Percentile(total, 99));
                    result.Add("install_median_ms", Stats.Median(steps[0]));
                    result.Add("use_median_ms", Stats.Median(steps[1]));
                    result.Add("remove_median_ms", Stats.Median(steps[2]));
                    result.Notes.Add(string.Format(CultureInfo.InvariantCulture, "{0} rotations, each step reported Changed by all {1} members", total.Count, n));
                }).ConfigureAwait(false));
            }

            return results;
        }

        /// <summary>Awaits one step; its time in ms, once every member has reported its ring changed.</summary>
        private static async Task<double> Step(Task<IReadOnlyList<DsnKeyringResult>> step, int n, string name)
        {
            var clock = Stopwatch.StartNew();
            var results = await step.ConfigureAwait(false);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var changed = results.Count(r => r.Status == DsnKeyringStatus.Changed);
            if (changed != n)
                throw new InvalidOperationException($"{name}: {changed} of {n} members changed their ring ({string.Join("; ", results.Where(r => r.Status != DsnKeyringStatus.Changed))})");
            return elapsed;
        }
    }
}
