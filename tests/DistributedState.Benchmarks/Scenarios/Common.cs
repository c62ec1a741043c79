using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;
using DistributedState.Dissemination;

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
                result.Notes.Add("at the failure: " + InProcessCluster.Pool());
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
                var meshed = await WaitForConnectionsAsync(cluster, n).ConfigureAwait(false);
                result.Notes.Add($"cluster of {n} started in {started / 1000:0.0} s, full membership everywhere after {formed / 1000:0.0} s, " +
                    (meshed ? $"connections settled (a full mesh, or between the dial target and the cap on every node) after {Clock.MsSince(start) / 1000:0.0} s" : "connections still forming after 30 s (measured anyway)"));
                Progress.Say($"  formed N={n} in {formed / 1000:0.0} s, connections settled: {meshed}");
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>
        /// Membership converges before every node has dialled every peer; measurements start once connections have
        /// settled: every node holds N-1 sessions in a full mesh, or, beyond <c>MaxConnections</c>, at least the dial
        /// target and at most the cap (the runtime's <see cref="ConnectionPolicy"/>). No event reports a new session, so
        /// this polls (every 20 ms in one process), bounded by 30 s.
        /// </summary>
        public static Task<bool> WaitForConnectionsAsync(InProcessCluster cluster, int n) =>
            WaitForConnectionsAsync(() => Task.FromResult<IReadOnlyList<int>>(cluster.Nodes.Select(Internals.SessionCount).ToList()), n, TimeSpan.FromMilliseconds(20));

        /// <summary>The same wait for nodes whose session counts come from elsewhere (child processes, asked every <paramref name="every"/>).</summary>
        public static async Task<bool> WaitForConnectionsAsync(Func<Task<IReadOnlyList<int>>> sessionCounts, int n, TimeSpan every)
        {
            var cap = new DistributedState.DsnNodeOptions().MaxConnections;
            var least = Math.Min(n - 1, ConnectionPolicy.DialTarget(n - 1, cap));
            var most = Math.Min(n - 1, cap);
            var deadline = Clock.Now + 30 * System.Diagnostics.Stopwatch.Frequency;
            while (Clock.Now < deadline)
            {
                if ((await sessionCounts().ConfigureAwait(false)).All(count => count >= least && count <= most))
                    return true;
                await Task.Delay(every).ConfigureAwait(false);
            }

            return false;
        }

        /// <summary>Every counter summed over the nodes, for the notes of a run that did not converge.</summary>
        public static string CountersNote(IEnumerable<DistributedState.DsnNode> nodes)
        {
            var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var node in nodes)
                foreach (var pair in node.GetStatistics().Counters)
                    sums[pair.Key] = sums.TryGetValue(pair.Key, out var v) ? v + pair.Value : pair.Value;
            return "counters summed over nodes: " + string.Join(", ", sums.Select(p => p.Key + "=" + p.Value));
        }

        public static long Sum(IEnumerable<DistributedState.DsnNode> nodes, string counter) => nodes.Sum(n => n.GetStatistics()[counter]);
    }
}
