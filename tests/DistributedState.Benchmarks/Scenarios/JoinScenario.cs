using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>Time until a new node holds every member (Alive) and all of their state (K keys each).</summary>
    internal static class JoinScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var trials = args.Int("trials", 10);
            var keys = args.Int("keys", 100);
            if (args.Flag("processes"))
                return await AcrossProcessesAsync(args.Nodes(10, 30), trials, keys).ConfigureAwait(false);
            foreach (var n in args.Nodes(10, 30, 100))
            {
                results.Add(await Common.Guard("join", n, null, async result =>
                {
                    await using var cluster = await Common.FormAsync(n, result).ConfigureAwait(false);
                    var nodes = cluster.Nodes;
                    foreach (var node in nodes)
                        node.SetData(Enumerable.Range(0, keys).Select(k => new KeyValuePair<string, string>(
                            "key" + k.ToString("000", CultureInfo.InvariantCulture), $"value {k} of {node.NodeId}, some text")));
                    var ids = new HashSet<string>(nodes.Select(x => x.NodeId), StringComparer.Ordinal);
                    var fill = Clock.Now;
                    try
                    {
                    await Converge.EachAsync(nodes.Count, i => HoldsAll(nodes[i], ids, keys), cluster.Pulse, fill, TimeSpan.FromSeconds(60),
                        () => string.Join("; ", nodes.Where(x => !HoldsAll(x, ids, keys)).Take(2).Select(x => x.NodeId + " sees " + string.Join(",",
                            x.GetPeers().Where(p => ids.Contains(p.NodeId) && (p.Status != DsnPeerStatus.Alive || p.KeyCount != keys)).Take(8).Select(p => $"{p.NodeId}:{p.Status}:{p.KeyCount}"))))).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        result.Notes.Add(Common.CountersNote(nodes));
                        throw;
                    }

                    result.Notes.Add($"{keys} keys on each of {n} members replicated everywhere after {Clock.MsSince(fill):0} ms");

                    var returned = new List<double>();
                    var received = new List<double>();
                    var verified = new List<double>();
                    var complete = new List<double>();
                    for (var t = -1; t < trials; t++)
                    {
                        var id = "joiner" + (t + 1).ToString(CultureInfo.InvariantCulture);
                        var options = cluster.Options(id);
                        var start = Clock.Now;
                        var joiner = await DsnNode.StartAsync(options).ConfigureAwait(false);
                        var startReturned = Clock.MsSince(start);
                        cluster.Attach(joiner);
                        try
                        {
                            var times = await Converge.EachAsync(1, _ => HoldsAll(joiner, ids, keys), cluster.Pulse, start, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                            if (t >= 0)
                            {
                                returned.Add(startReturned);
                                complete.Add(times[0]);
                                var stats = joiner.GetStatistics();
                                received.Add(stats["bytes.received"] / 1024.0);
                                verified.Add(stats["batches.verified"]);
                            }
                        }
                        finally
                        {
                            await joiner.StopAsync().ConfigureAwait(false);
                        }
                    }

                    result.Add("keys_per_member_count", keys);
                    result.Add("trials_count", complete.Count);
                    result.Add("start_returned_median_ms", Stats.Median(returned));
                    if (n == 30)
                        result.AtMost("complete_median_ms", Stats.Median(complete), 250, "ms");
                    else
                        result.Add("complete_median_ms", Stats.Median(complete));
                    result.Add("complete_p99_ms", Stats.Percentile(complete, 99));
                    result.Add("complete_max_ms", Stats.Max(complete));
                    result.Add("joiner_received_median_kib", Stats.Median(received));
                    result.Add("joiner_batches_verified_median_count", Stats.Median(verified));
                    var stateKib = nodes.Sum(x => x.GetState(x.NodeId).Sum(e => e.Key.Length + e.Value.Length)) / 1024.0;
                    result.Add("network_state_kib", stateKib);
                    result.Notes.Add("complete = from StartAsync until the joiner lists all N members Alive with all their keys; the first join is a discarded warm-up; each joiner leaves gracefully before the next");
                }).ConfigureAwait(false));
            }

            return results;
        }

        private static async Task<List<ScenarioResult>> AcrossProcessesAsync(IReadOnlyList<int> sizes, int trials, int keys)
        {
            var results = new List<ScenarioResult>();
            foreach (var n in sizes)
            {
                results.Add(await Common.Guard("join", n, "processes", async result =>
                {
                    await using var cluster = await AcrossProcesses.FormAsync(n, result).ConfigureAwait(false);
                    var times = await AcrossProcesses.JoinAsync(cluster, trials, keys).ConfigureAwait(false);
                    result.Add("keys_per_member_count", keys);
                    result.Add("trials_count", times.Complete.Count);
                    result.Add("process_start_up_median_ms", Stats.Median(times.StartUp));
                    result.Add("start_returned_median_ms", Stats.Median(times.StartReturned));
                    if (n == 30)
                        result.AtMost("complete_median_ms", Stats.Median(times.Complete), 250, "ms");
                    else
                        result.Add("complete_median_ms", Stats.Median(times.Complete));
                    result.Add("complete_max_ms", Stats.Max(times.Complete));
                    result.Add("from_spawn_median_ms", Stats.Median(times.FromSpawn));
                    result.Add("jit_during_join_median_ms", Stats.Median(times.JitMs));
                    result.Add("methods_jitted_during_join_median_count", Stats.Median(times.MethodsJitted));
                    var warm = await AcrossProcesses.JoinAsync(cluster, trials, keys, warm: true).ConfigureAwait(false);
                    result.Add("warm_process_complete_median_ms", Stats.Median(warm.Complete));
                    result.Add("warm_process_complete_max_ms", Stats.Max(warm.Complete));
                    result.Add("warm_process_start_returned_median_ms", Stats.Median(warm.StartReturned));
                    result.Add("warm_process_jit_during_join_median_ms", Stats.Median(warm.JitMs));
                    result.Notes.Add("one node per process; complete = from StartAsync in the joiner's process until it lists all N members Alive with all their keys (its own timestamps); " +
                        "process_start_up = from the parent's spawn until the child calls StartAsync (runtime start, assembly load); from_spawn = both; the first join is a discarded warm-up of the members, every joiner is a cold process; " +
                        "warm_process_* = the same with joiners that first ran a throwaway join of their own (--warm), so the difference is the cold process's JIT and first-use costs; jit_during_join = JIT compilation time (System.Runtime.JitInfo, summed over threads) from StartAsync until complete");
                }).ConfigureAwait(false));
            }

            return results;
        }

        private static bool HoldsAll(DsnNode node, HashSet<string> ids, int keys)
        {
            var count = 0;
            foreach (var peer in node.GetPeers())
                if (peer.Status == DsnPeerStatus.Alive && peer.KeyCount == keys && ids.Contains(peer.NodeId))
                    count++;
            return count == ids.Count;
        }
    }
}
