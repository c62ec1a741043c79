using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// The measurements of the cluster scenarios with one node per child process (<c>--processes</c>), shared by
    /// those scenarios and by <c>compare</c>. Every time is the difference of two CLOCK_MONOTONIC timestamps taken in
    /// the children where the event happened (a write just before SetData, its arrival in the StateChanged event);
    /// CPU and RSS are read from /proc by the parent, as for Serf.
    /// </summary>
    internal static class AcrossProcesses
    {
        /// <summary>Starts N children, waits until all see all Alive and their sessions have settled; notes the times.</summary>
        public static async Task<ProcessCluster> FormAsync(int n, ScenarioResult result)
        {
            var cluster = new ProcessCluster();
            try
            {
                var start = Clock.Now;
                await cluster.AddManyAsync(Common.Ids(n)).ConfigureAwait(false);
                var started = Clock.MsSince(start);
                await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                var formed = Clock.MsSince(start);
                var meshed = await Common.WaitForConnectionsAsync(() => SessionCountsAsync(cluster), n, TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
                result.Notes.Add($"{n} child processes (4 started at a time) running after {started / 1000:0.0} s, full membership everywhere after {formed / 1000:0.0} s, " +
                    (meshed ? $"connections settled after {Clock.MsSince(start) / 1000:0.0} s" : "connections still forming after 30 s (measured anyway)"));
                if (cluster.Restarted.Count > 0)
                    result.Notes.Add("children whose join failed and that were started once more: " + string.Join("; ", cluster.Restarted) + " (the exception is on the harness's stderr)");
                Progress.Say($"  formed N={n} processes in {formed / 1000:0.0} s, connections settled: {meshed}");
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private static async Task<IReadOnlyList<int>> SessionCountsAsync(ProcessCluster cluster) =>
            (await cluster.AskAllAsync(cluster.LiveIds, "stats").ConfigureAwait(false)).Select(a => int.Parse(a[2], CultureInfo.InvariantCulture)).ToList();

        /// <summary>Bytes and frames sent, summed over the live children (their own counters).</summary>
        public static async Task<(long Bytes, long Frames)> CountersAsync(ProcessCluster cluster)
        {
            var answers = await cluster.AskAllAsync(cluster.LiveIds, "stats").ConfigureAwait(false);
            return (answers.Sum(a => long.Parse(a[0], CultureInfo.InvariantCulture)), answers.Sum(a => long.Parse(a[1], CultureInfo.InvariantCulture)));
        }

        public static List<int> Pids(ProcessCluster cluster) => cluster.LiveIds.Select(cluster.Pid).ToList();

        /// <summary>One write at a time from each node in turn; per trial the time until the last peer has it, and each peer's time.</summary>
        public static async Task<(List<double> All, List<double> PerPeer)> PropagateAsync(ProcessCluster cluster, int trials, int warmup, string key = "prop")
        {
            var ids = cluster.LiveIds;
            var all = new List<double>();
            var perPeer = new List<double>();
            for (var t = -warmup; t < trials; t++)
            {
                var writer = ids[(t + warmup) % ids.Count];
                var value = "v" + t.ToString(CultureInfo.InvariantCulture);
                var setAt = long.Parse((await cluster.AskAsync(writer, "set", key, value).ConfigureAwait(false))[0], CultureInfo.InvariantCulture);
                var answers = await cluster.AskAllAsync(ids.Where(id => id != writer), "when", writer, key, value).ConfigureAwait(false);
                if (t < 0)
                    continue;
                var times = answers.Select(a => Clock.Ms(setAt, long.Parse(a[0], CultureInfo.InvariantCulture))).ToList();
                all.Add(times.Max());
                perPeer.AddRange(times);
            }

            return (all, perPeer);
        }

        /// <summary>Per join: process start-up (spawn → StartAsync called), StartAsync's own time, and StartAsync → holding every member Alive with K keys each.</summary>
        public sealed class JoinTimes
        {
            public List<double> StartUp { get; } = new List<double>();
            public List<double> StartReturned { get; } = new List<double>();
            public List<double> Complete { get; } = new List<double>();
            public List<double> FromSpawn { get; } = new List<double>();
            public List<double> JitMs { get; } = new List<double>();
            public List<double> MethodsJitted { get; } = new List<double>();
        }

        /// <summary>Gives every member K keys, waits until all hold all, then joins new children one at a time (the first a discarded warm-up); each leaves before the next.</summary>
        public static async Task<JoinTimes> JoinAsync(ProcessCluster cluster, int trials, int keys, bool warm = false)
        {
            var ids = cluster.LiveIds;
            var n = ids.Count;
            if (keys > 0)
                await cluster.AskAllAsync(ids, "fill", keys.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await cluster.AskAllAsync(ids, "holds", n.ToString(CultureInfo.InvariantCulture), keys.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            var times = new JoinTimes();
            for (var t = -1; t < trials; t++)
            {
                var id = (warm ? "warmjoiner" : "joiner") + (t + 1).ToString(CultureInfo.InvariantCulture);
                // The joiner holds no keys itself: with K > 0 it must see the N members; with none, N + itself.
                var timing = await cluster.StartMemberAsync(id, keys == 0 ? n + 1 : n, keys, warm).ConfigureAwait(false);
                var held = await cluster.HeldAsync(id, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                await cluster.StopAsync(id).ConfigureAwait(false);
                await cluster.WaitAllAliveAsync(Common.FormTimeout).ConfigureAwait(false);
                if (t < 0)
                    continue;
                times.StartUp.Add(Clock.Ms(timing.Spawned, timing.StartCalled));
                times.StartReturned.Add(Clock.Ms(timing.StartCalled, timing.StartReturned));
                times.Complete.Add(Clock.Ms(timing.StartCalled, held));
                times.FromSpawn.Add(Clock.Ms(timing.Spawned, held));
                times.JitMs.Add(timing.JitMsUntilHeld);
                times.MethodsJitted.Add(timing.MethodsJittedUntilHeld);
                Progress.Say($"  {id}: start-up {times.StartUp[^1]:0} ms, StartAsync → holds all {times.Complete[^1]:0} ms, of it JIT {times.JitMs[^1]:0} ms ({times.MethodsJitted[^1]:0} methods)");
            }

            return times;
        }

        /// <summary>Idle cost per node over a window: CPU (% of a core, /proc), bytes/s by the nodes' counters and, where nftables works, on the wire.</summary>
        public sealed class IdleCost
        {
            public double Seconds { get; set; }
            public double CpuPercentPerNode { get; set; }
            public double CounterBytesPerSecondPerNode { get; set; }
            public double FramesPerSecondPerNode { get; set; }
            public double WireBytesPerSecondPerNode { get; set; } = double.NaN;
            public string? WireNote { get; set; }
        }

        /// <summary>Measures <see cref="IdleCost"/> over a window for any processes on known ports; <paramref name="counters"/> may be null (Serf has none).</summary>
        public static async Task<IdleCost> IdleAsync(IReadOnlyList<int> pids, IReadOnlyList<int> ports, double seconds, Func<Task<(long Bytes, long Frames)>>? counters)
        {
            var cost = new IdleCost();
            using var wire = WireCounter.TryCreate(ports, out var why);
            cost.WireNote = why;
            var wire0 = wire?.Bytes() ?? 0;
            var c0 = counters is null ? default : await counters().ConfigureAwait(false);
            var cpu0 = ProcStat.ReadAll(pids);
            var t0 = Clock.Now;
            await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false); // a measurement window
            var cpu1 = ProcStat.ReadAll(pids);
            var wall = Clock.MsSince(t0) / 1000;
            var c1 = counters is null ? default : await counters().ConfigureAwait(false);
            if (wire is not null)
                cost.WireBytesPerSecondPerNode = (wire.Bytes() - wire0) / wall / pids.Count;
            cost.Seconds = wall;
            cost.CpuPercentPerNode = ProcStat.CpuPercentPerProcess(cpu0, cpu1, wall);
            cost.CounterBytesPerSecondPerNode = counters is null ? double.NaN : (c1.Bytes - c0.Bytes) / wall / pids.Count;
            cost.FramesPerSecondPerNode = counters is null ? double.NaN : (c1.Frames - c0.Frames) / wall / pids.Count;
            return cost;
        }

        /// <summary>RSS per process (MB): median and max, as the processes stand.</summary>
        public static (double Median, double Max, double ThreadsMedian) Rss(IReadOnlyList<int> pids)
        {
            var stats = ProcStat.ReadAll(pids);
            return (Stats.Median(stats.Select(s => s.RssMb).ToList()), stats.Max(s => s.RssMb), Stats.Median(stats.Select(s => (double)s.Threads).ToList()));
        }

        /// <summary>The final value of each key of a burst of <paramref name="writes"/> writes cycling over <paramref name="keySpace"/> keys (value = write index).</summary>
        public static IEnumerable<(string Key, string Value)> BurstFinalValues(long writes, int keySpace)
        {
            for (var k = 0; k < keySpace && k < writes; k++)
            {
                var last = writes - 1 - ((writes - 1 - k) % keySpace);
                yield return ("t" + k.ToString("0000", CultureInfo.InvariantCulture), last.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
