using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>Bytes and frames sent per node per write, and idle bytes/s and CPU per node (from the node counters).</summary>
    internal static class TrafficScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var idleSeconds = args.Double("seconds", 10);
            var writes = args.Int("writes", 100);
            if (args.Flag("processes"))
                return await AcrossProcessesAsync(args.Nodes(10, 30), idleSeconds, writes).ConfigureAwait(false);
            foreach (var n in args.Nodes(10, 30, 100))
            {
                results.Add(await Common.Guard("traffic", n, null, async result =>
                {
                    await using var cluster = await Common.FormAsync(n, result).ConfigureAwait(false);
                    var nodes = cluster.Nodes;
                    // Let the join-time anti-entropy and dialling settle before the idle window (a fixed pause, documented).
                    await Task.Delay(3000).ConfigureAwait(false);

                    long bytes0 = Common.Sum(nodes, "bytes.sent"), frames0 = Common.Sum(nodes, "frames.sent");
                    var cpu0 = ProcessInfo.CpuTime();
                    var t0 = Clock.Now;
                    await Task.Delay(TimeSpan.FromSeconds(idleSeconds)).ConfigureAwait(false); // a measurement window
                    var idleWall = Clock.MsSince(t0) / 1000;
                    var idleCpu = (ProcessInfo.CpuTime() - cpu0).TotalSeconds;
                    var idleBytes = Common.Sum(nodes, "bytes.sent") - bytes0;
                    var idleFrames = Common.Sum(nodes, "frames.sent") - frames0;
                    var idleBytesPerNode = idleBytes / idleWall / n;
                    if (n == 30)
                    {
                        result.AtMost("idle_bytes_per_s_per_node", idleBytesPerNode, 1000, "B/s");
                        result.AtMost("idle_cpu_percent_per_node", idleCpu / idleWall / n * 100, 0.2, "% of a core");
                    }
                    else
                    {
                        result.Add("idle_bytes_per_s_per_node", idleBytesPerNode);
                        result.Add("idle_cpu_percent_per_node", idleCpu / idleWall / n * 100);
                    }

                    result.Add("idle_frames_per_s_per_node", idleFrames / idleWall / n);

                    long bytes1 = Common.Sum(nodes, "bytes.sent"), frames1 = Common.Sum(nodes, "frames.sent");
                    var t1 = Clock.Now;
                    for (var w = 0; w < writes; w++)
                    {
                        var writer = nodes[w % n];
                        var value = "w" + w.ToString(CultureInfo.InvariantCulture);
                        var others = nodes.Where(x => !ReferenceEquals(x, writer)).ToList();
                        var start = Clock.Now;
                        writer.SetData("traffic", value);
                        await Converge.EachAsync(others.Count, i => others[i].GetData(writer.NodeId, "traffic") == value, cluster.Pulse, start, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                    }

                    var writeWall = Clock.MsSince(t1) / 1000;
                    var writeBytes = Common.Sum(nodes, "bytes.sent") - bytes1 - idleBytes / idleWall * writeWall;
                    var writeFrames = Common.Sum(nodes, "frames.sent") - frames1 - idleFrames / idleWall * writeWall;
                    result.Add("bytes_per_node_per_write", writeBytes / n / writes);
                    result.Add("frames_per_node_per_write", writeFrames / n / writes);
                    result.Add("frames_per_write_total", writeFrames / writes);
                    result.Add("sessions_per_node_avg", nodes.Average(Internals.SessionCount));
                    result.Notes.Add($"{writes} single-key writes one at a time (each waits until all see it), idle traffic of the same duration subtracted; idle CPU is this process's CPU time / N (harness included)");
                }).ConfigureAwait(false));
            }

            return results;
        }

        /// <summary>Idle CPU (/proc) and bytes per node (the nodes' counters and, with nftables, the wire), then bytes and frames per write, with one node per process.</summary>
        private static async Task<List<ScenarioResult>> AcrossProcessesAsync(IReadOnlyList<int> sizes, double idleSeconds, int writes)
        {
            var results = new List<ScenarioResult>();
            foreach (var n in sizes)
            {
                results.Add(await Common.Guard("traffic", n, "processes", async result =>
                {
                    await using var cluster = await AcrossProcesses.FormAsync(n, result).ConfigureAwait(false);
                    // Let the join-time anti-entropy and dialling settle before the idle window (a fixed pause, documented).
                    await Task.Delay(3000).ConfigureAwait(false);
                    var ids = cluster.LiveIds;
                    var idle = await AcrossProcesses.IdleAsync(AcrossProcesses.Pids(cluster), ids.Select(cluster.Port).ToList(), idleSeconds, () => AcrossProcesses.CountersAsync(cluster)).ConfigureAwait(false);
                    IdleFigures(result, n, idle);

                    var before = await AcrossProcesses.CountersAsync(cluster).ConfigureAwait(false);
                    var t1 = Clock.Now;
                    await AcrossProcesses.PropagateAsync(cluster, writes, 0, "traffic").ConfigureAwait(false);
                    var writeWall = Clock.MsSince(t1) / 1000;
                    var after = await AcrossProcesses.CountersAsync(cluster).ConfigureAwait(false);
                    var writeBytes = after.Bytes - before.Bytes - idle.CounterBytesPerSecondPerNode * n * writeWall;
                    var writeFrames = after.Frames - before.Frames - idle.FramesPerSecondPerNode * n * writeWall;
                    result.Add("bytes_per_node_per_write", writeBytes / n / writes);
                    result.Add("frames_per_node_per_write", writeFrames / n / writes);
                    result.Add("frames_per_write_total", writeFrames / writes);
                    result.Notes.Add($"one node per process; idle CPU = utime+stime of the node processes (/proc, runtime and GC included) / window / N; {writes} single-key writes one at a time (each waits until all peers have it), idle traffic of the same duration subtracted");
                }).ConfigureAwait(false));
            }

            return results;
        }

        /// <summary>The idle figures of one cluster, with the targets at N = 30 (≤ 1 kB/s and ≤ 0.2 % of a core per node).</summary>
        public static void IdleFigures(ScenarioResult result, int n, AcrossProcesses.IdleCost idle)
        {
            result.Add("idle_seconds", idle.Seconds);
            if (n == 30)
            {
                result.AtMost("idle_cpu_percent_per_node", idle.CpuPercentPerNode, 0.2, "% of a core");
                result.AtMost("idle_bytes_per_s_per_node", idle.CounterBytesPerSecondPerNode, 1000, "B/s");
                result.AtMost("idle_wire_bytes_per_s_per_node", idle.WireBytesPerSecondPerNode, 1000, "B/s");
            }
            else
            {
                result.Add("idle_cpu_percent_per_node", idle.CpuPercentPerNode);
                result.Add("idle_bytes_per_s_per_node", idle.CounterBytesPerSecondPerNode);
                result.Add("idle_wire_bytes_per_s_per_node", idle.WireBytesPerSecondPerNode);
            }

            result.Add("idle_frames_per_s_per_node", idle.FramesPerSecondPerNode);
            result.Notes.Add("idle_bytes = the nodes' bytes.sent counters (frames and their length prefix); idle_wire_bytes = IP packets between the members' ports on loopback counted by nftables (headers and TCP acknowledgements included)" +
                (idle.WireNote is null ? "" : "; wire not counted: " + idle.WireNote));
        }
    }
}
