using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>Managed heap and process RSS with 1, 10 and 100 nodes in one process; the cost of each extra node.</summary>
    internal static class MemoryScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var keys = args.Int("keys", 10);
            if (args.Flag("processes"))
                return await AcrossProcessesAsync(args.Nodes(10, 30), keys).ConfigureAwait(false);
            var stages = args.Nodes(1, 10, 100).OrderBy(x => x).ToList();

            // Warm up: JIT, crypto providers and thread pool, so the first stage does not carry one-time costs.
            await using (var warm = new InProcessCluster())
            {
                await warm.AddManyAsync(Common.Ids(2, "warm")).ConfigureAwait(false);
                await warm.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                warm.Nodes[0].SetData("k", "v");
                await Converge.EachAsync(1, _ => warm.Nodes[1].GetData(warm.Nodes[0].NodeId, "k") == "v", warm.Pulse, Clock.Now, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }

            var baseline = ProcessInfo.Sample(collect: true);
            var baseResult = new ScenarioResult("memory", 0);
            baseResult.Add("managed_mb", baseline.ManagedMb).Add("rss_mb", baseline.RssMb).Add("rss_untrimmed_mb", baseline.RssUntrimmedMb).Add("threads_count", baseline.Threads);
            baseResult.Notes.Add("harness alone after a warm-up cluster was stopped");
            results.Add(baseResult);

            var cluster = new InProcessCluster();
            MemorySample? first = null;
            int firstN = 0;
            try
            {
                foreach (var n in stages)
                {
                    results.Add(await Common.Guard("memory", n, null, async result =>
                    {
                        var have = cluster.Nodes.Count;
                        var start = Clock.Now;
                        await cluster.AddManyAsync(Common.Ids(n).Skip(have).ToList()).ConfigureAwait(false);
                        await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                        var nodes = cluster.Nodes;
                        foreach (var node in nodes.Skip(have))
                            node.SetData(Enumerable.Range(0, keys).Select(k => new KeyValuePair<string, string>("key" + k.ToString(CultureInfo.InvariantCulture), "a value of about thirty chars")));
                        var ids = new HashSet<string>(nodes.Select(x => x.NodeId), StringComparer.Ordinal);
                        await Converge.EachAsync(nodes.Count, i => nodes[i].GetPeers().Count(p => ids.Contains(p.NodeId) && p.KeyCount == keys && p.Status == DsnPeerStatus.Alive) == ids.Count,
                            cluster.Pulse, Clock.Now, Common.FormTimeout).ConfigureAwait(false);
                        var meshed = await Common.WaitForConnectionsAsync(cluster, n).ConfigureAwait(false);
                        result.Notes.Add($"{n} nodes with {keys} keys each, connections settled: {meshed}, converged {Clock.MsSince(start) / 1000:0.0} s after the stage began");
                        var sample = ProcessInfo.Sample(collect: true);
                        result.Add("managed_mb", sample.ManagedMb).Add("rss_mb", sample.RssMb).Add("rss_untrimmed_mb", sample.RssUntrimmedMb).Add("threads_count", sample.Threads);
                        result.Add("sessions_per_node_avg", nodes.Average(Internals.SessionCount));
                        result.Add("managed_above_harness_per_node_mb", (sample.ManagedMb - baseline.ManagedMb) / n);
                        if (first is null)
                        {
                            first = sample;
                            firstN = n;
                        }
                        else
                        {
                            var extra = n - firstN;
                            result.AtMost("managed_per_extra_node_mb", (sample.ManagedMb - first.Value.ManagedMb) / extra, 1, "MB");
                            result.AtMost("rss_per_extra_node_mb", (sample.RssMb - first.Value.RssMb) / extra, 1, "MB");
                            result.Add("rss_untrimmed_per_extra_node_mb", (sample.RssUntrimmedMb - first.Value.RssUntrimmedMb) / extra);
                            result.Notes.Add("rss = after an aggressive GC returned the GC's free regions to the OS; rss_untrimmed = after the compacting GCs only (the GC still holding gen0 pages it last touched)");
                            result.Notes.Add($"per extra node = (this stage - the {firstN}-node stage) / {extra}");
                        }
                    }).ConfigureAwait(false));
                }
            }
            finally
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            return results;
        }

        /// <summary>RSS of each node's own process (/proc VmRSS) once N nodes with K keys each have converged: as it stands, and after full collections.</summary>
        private static async Task<List<ScenarioResult>> AcrossProcessesAsync(IReadOnlyList<int> sizes, int keys)
        {
            var results = new List<ScenarioResult>();
            foreach (var n in sizes)
            {
                results.Add(await Common.Guard("memory", n, "processes", async result =>
                {
                    await using var cluster = await AcrossProcesses.FormAsync(n, result).ConfigureAwait(false);
                    var ids = cluster.LiveIds;
                    var k = keys.ToString(CultureInfo.InvariantCulture);
                    await cluster.AskAllAsync(ids, "fill", k).ConfigureAwait(false);
                    await cluster.AskAllAsync(ids, "holds", n.ToString(CultureInfo.InvariantCulture), k).ConfigureAwait(false);
                    var pids = AcrossProcesses.Pids(cluster);
                    var standing = AcrossProcesses.Rss(pids);
                    await cluster.AskAllAsync(ids, "gc").ConfigureAwait(false);
                    var collected = AcrossProcesses.Rss(pids);
                    result.Add("keys_per_node_count", keys);
                    result.Add("rss_per_process_median_mb", standing.Median).Add("rss_per_process_max_mb", standing.Max);
                    result.Add("rss_after_gc_per_process_median_mb", collected.Median).Add("rss_after_gc_per_process_max_mb", collected.Max);
                    result.Add("threads_per_process_median_count", standing.ThreadsMedian);
                    result.Notes.Add($"one node per process, {keys} keys each, all converged; rss = VmRSS as the process stands (what ps shows, comparable with Serf's); rss_after_gc = after two compacting and one aggressive full collection in each child");
                }).ConfigureAwait(false));
            }

            return results;
        }
    }
}
