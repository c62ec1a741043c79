using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    internal static class Common
    {
        public static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(120);

        /// <summary>Runs one scenario at one size; a failure is recorded in the result, and the next size still runs.</summary>
        public static async Task<ScenarioResult> Guard(string scenario, int? nodes, string? variant, Func<ScenarioResult, Task> body)
        {
            var result = new ScenarioResult(scenario, nodes, variant);
            Progress.Say($"{scenario}{(nodes is null ? "" : " N=" + nodes)}{(variant is null ? "" : " " + variant)}");
            try
            {
                await body(result).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                result.Status = "failed";
                result.Error = error.GetType().Name + ": " + error.Message;
                Progress.Say($"  FAILED: {result.Error}");
            }

            return result;
        }

        public static IReadOnlyList<string> Ids(int count, string prefix = "n") =>
            Enumerable.Range(0, count).Select(i => prefix + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)).ToList();

        /// <summary>Starts N nodes in this process and waits until every one sees every other Alive; notes how long that took.</summary>
        public static async Task<InProcessCluster> FormAsync(int n, ScenarioResult result, Action<DistributedState.DsnNodeOptions>? configure = null)
        {
            var cluster = new InProcessCluster { Configure = configure };
            try
            {
                var start = Clock.Now;
                await cluster.AddManyAsync(Ids(n)).ConfigureAwait(false);
                var started = Clock.MsSince(start);
                await cluster.WaitAllAliveAsync(FormTimeout).ConfigureAwait(false);
                var formed = Clock.MsSince(start);
                result.Notes.Add($"cluster of {n} started in {started / 1000:0.0} s, full membership everywhere after {formed / 1000:0.0} s");
                Progress.Say($"  formed N={n} in {formed / 1000:0.0} s");
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public static long Sum(IEnumerable<DistributedState.DsnNode> nodes, string counter) => nodes.Sum(n => n.GetStatistics()[counter]);
    }
}
