using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Sustained writes for S seconds from one node, then from all nodes at once (one writer thread cycling over the
    /// nodes: on two cores more threads would only steal CPU from the nodes), then the time until every node holds
    /// every writer's final values. Writes cycle over 1,000 keys, so coalescing of a key within a batch is possible
    /// (the design allows it: state is last-value).
    /// </summary>
    internal static class ThroughputScenario
    {
        private const int KeySpace = 1000;

        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var seconds = args.Double("seconds", 10);
            if (args.Flag("processes"))
                return await AcrossProcessesAsync(args.Nodes(10, 30), seconds).ConfigureAwait(false);
            foreach (var n in args.Nodes(10))
            {
                foreach (var allWriters in new[] { false, true })
                {
                    results.Add(await Common.Guard("throughput", n, allWriters ? "all-writers" : "one-writer", async result =>
                    {
                        await using var cluster = await Common.FormAsync(n, result).ConfigureAwait(false);
                        var nodes = cluster.Nodes;
                        var writers = allWriters ? nodes : nodes.Take(1).ToList();
                        var keys = Enumerable.Range(0, KeySpace).Select(k => "t" + k.ToString("0000", CultureInfo.InvariantCulture)).ToArray();
                        var last = writers.Select(_ => new string?[KeySpace]).ToArray();
                        var lastKey = new int[writers.Count];
                        long signedBefore = Common.Sum(nodes, "batches.signed"), bytesBefore = Common.Sum(nodes, "bytes.sent"), framesBefore = Common.Sum(nodes, "frames.sent");
                        var cpuBefore = ProcessInfo.CpuTime();
                        var gen2Before = GC.CollectionCount(2);
                        long writes = 0;
                        var start = Clock.Now;
                        var deadline = start + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
                        var thread = new Thread(() =>
                        {
                            long i = 0;
                            while (true)
                            {
                                if ((i & 63) == 0 && Clock.Now >= deadline)
                                    break;
                                var w = (int)(i % writers.Count);
                                var k = (int)(i / writers.Count % KeySpace);
                                var value = i.ToString(CultureInfo.InvariantCulture);
                                writers[w].SetData(keys[k], value);
                                last[w][k] = value;
                                lastKey[w] = k;
                                i++;
                            }

                            writes = i;
                        }) { IsBackground = true, Name = "writer" };
                        thread.Start();
                        await Task.Run(() => thread.Join()).ConfigureAwait(false);
                        var writeEnd = Clock.Now;
                        var writeSeconds = Clock.Ms(start, writeEnd) / 1000;

                        bool Holds(DsnNode node)
                        {
                            for (var w = 0; w < writers.Count; w++)
                                if (!ReferenceEquals(node, writers[w]) && node.GetData(writers[w].NodeId, keys[lastKey[w]]) != last[w][lastKey[w]])
                                    return false;
                            for (var w = 0; w < writers.Count; w++)
                            {
                                if (ReferenceEquals(node, writers[w]))
                                    continue;
                                var state = node.GetState(writers[w].NodeId);
                                for (var k = 0; k < KeySpace; k++)
                                    if (last[w][k] is { } v && (!state.TryGetValue(keys[k], out var got) || got != v))
                                        return false;
                            }

                            return true;
                        }

                        double[] times;
                        try
                        {
                            times = await Converge.EachAsync(nodes.Count, i => Holds(nodes[i]), cluster.Pulse, writeEnd, TimeSpan.FromSeconds(120),
                                () => string.Join("; ", nodes.Where(x => !Holds(x)).Take(3).Select(x => x.NodeId + " lacks final values of " +
                                    string.Join(",", writers.Where((w, wi) => !ReferenceEquals(w, x) && x.GetData(w.NodeId, keys[lastKey[wi]]) != last[wi][lastKey[wi]]).Take(6).Select(w => w.NodeId))))).ConfigureAwait(false);
                        }
                        catch (TimeoutException)
                        {
                            result.Notes.Add($"{writes} writes in {writeSeconds:0.0} s; " + Common.CountersNote(nodes));
                            throw;
                        }
                        var convergeMs = times.Max();
                        var wall = Clock.MsSince(start) / 1000;
                        var cpu = (ProcessInfo.CpuTime() - cpuBefore).TotalSeconds;
                        var signed = Common.Sum(nodes, "batches.signed") - signedBefore;
                        result.Add("writes_count", writes);
                        result.Add("write_seconds", writeSeconds);
                        result.Add("offered_writes_per_s", writes / writeSeconds);
                        result.Add("converge_after_last_write_ms", convergeMs);
                        var effective = writes / (writeSeconds + convergeMs / 1000);
                        if (n == 10 && !allWriters)
                            result.AtLeast("converged_writes_per_s", effective, 20_000, "writes/s");
                        else
                            result.Add("converged_writes_per_s", effective);
                        result.Add("writes_per_signed_batch", signed == 0 ? double.NaN : (double)writes / signed);
                        result.Add("bytes_sent_per_node_per_s", (Common.Sum(nodes, "bytes.sent") - bytesBefore) / (double)n / wall);
                        result.Add("frames_sent_per_node_per_s", (Common.Sum(nodes, "frames.sent") - framesBefore) / (double)n / wall);
                        result.Add("process_cpu_percent_of_machine", cpu / wall / Environment.ProcessorCount * 100);
                        result.Add("gen2_collections_count", GC.CollectionCount(2) - gen2Before);
                        result.Notes.Add("converged_writes_per_s = writes / (writing time + time until every node holds every final value); 1,000 keys per writer, so same-key writes may coalesce");
                    }).ConfigureAwait(false));
                }
            }

            return results;
        }

        /// <summary>
        /// One writer process writes as fast as one thread can for S seconds; every other process then answers when it
        /// held each key's final value (the time of its StateChanged event), so convergence is timed in the peers.
        /// </summary>
        private static async Task<List<ScenarioResult>> AcrossProcessesAsync(IReadOnlyList<int> sizes, double seconds)
        {
            var results = new List<ScenarioResult>();
            foreach (var n in sizes)
            {
                results.Add(await Common.Guard("throughput", n, "processes one-writer", async result =>
                {
                    await using var cluster = await AcrossProcesses.FormAsync(n, result).ConfigureAwait(false);
                    var ids = cluster.LiveIds;
                    var writer = ids[0];
                    var pids = AcrossProcesses.Pids(cluster);
                    var before = await AcrossProcesses.CountersAsync(cluster).ConfigureAwait(false);
                    var cpu0 = ProcStat.ReadAll(pids);
                    var t0 = Clock.Now;
                    var burst = await cluster.AskAsync(writer, "burst", seconds.ToString(CultureInfo.InvariantCulture), KeySpace.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                    long start = long.Parse(burst[0], CultureInfo.InvariantCulture), end = long.Parse(burst[1], CultureInfo.InvariantCulture);
                    var writes = long.Parse(burst[2], CultureInfo.InvariantCulture);
                    var finals = AcrossProcesses.BurstFinalValues(writes, KeySpace).SelectMany(f => new[] { writer, f.Key, f.Value }).ToArray();
                    var answers = await cluster.AskAllAsync(ids.Skip(1), "when", finals).ConfigureAwait(false);
                    var wall = Clock.MsSince(t0) / 1000;
                    var cpu1 = ProcStat.ReadAll(pids);
                    var after = await AcrossProcesses.CountersAsync(cluster).ConfigureAwait(false);
                    var convergeMs = answers.Max(a => Clock.Ms(end, long.Parse(a[0], CultureInfo.InvariantCulture)));
                    var writeSeconds = Clock.Ms(start, end) / 1000;
                    result.Add("writes_count", writes);
                    result.Add("write_seconds", writeSeconds);
                    result.Add("offered_writes_per_s", writes / writeSeconds);
                    var effective = writes / (writeSeconds + Math.Max(0, convergeMs) / 1000);
                    if (n == 30)
                    {
                        result.AtMost("converge_after_last_write_ms", convergeMs, 1000, "ms");
                        result.AtLeast("converged_writes_per_s", effective, 20_000, "writes/s");
                    }
                    else
                    {
                        result.Add("converge_after_last_write_ms", convergeMs);
                        result.Add("converged_writes_per_s", effective);
                    }

                    result.Add("bytes_sent_per_node_per_s", (after.Bytes - before.Bytes) / (double)n / wall);
                    result.Add("frames_sent_per_node_per_s", (after.Frames - before.Frames) / (double)n / wall);
                    result.Add("writer_cpu_percent_of_a_core", (cpu1[0].CpuSeconds - cpu0[0].CpuSeconds) / wall * 100);
                    result.Add("peer_cpu_percent_of_a_core_avg", ProcStat.CpuPercentPerProcess(cpu0.Skip(1).ToList(), cpu1.Skip(1).ToList(), wall));
                    result.Notes.Add("one node per process; the writer process writes from one thread (key cycling over 1,000, value = write index); converge = from its last write until the last peer held the final value of every key (the latest of its StateChanged events for them; children's timestamps); converged_writes_per_s = writes / (writing time + converge)");
                }).ConfigureAwait(false));
            }

            return results;
        }
    }
}
