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
    /// N nodes, writes at a steady rate for S seconds (60 by default, 600 for the 10-minute soak): memory, thread
    /// count and the node's internal tables sampled over time; false failure reports; one write per second timed
    /// until all see it; at the end every node must hold every writer's final values.
    /// </summary>
    internal static class SoakScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var seconds = args.Double("seconds", 60);
            var rate = Math.Max(1, args.Int("rate", 50));
            if (args.Flag("processes"))
                return await AcrossProcessesAsync(args.Nodes(30), seconds, rate).ConfigureAwait(false);
            foreach (var n in args.Nodes(30))
            {
                results.Add(await Common.Guard("soak", n, null, async result =>
                {
                    await using var cluster = await Common.FormAsync(n, result).ConfigureAwait(false);
                    var nodes = cluster.Nodes;
                    const int keysPerWriter = 20;
                    var last = nodes.Select(_ => new string?[keysPerWriter]).ToArray();
                    var samples = new List<(double At, double Managed, double Rss, int Threads, Dictionary<string, long> Tables)>();
                    var probe = new List<double>();
                    var probeTimeouts = 0;
                    var start = Clock.Now;
                    var sampleEvery = Math.Max(1, seconds / 12);
                    var nextSample = 0.0;
                    long i = 0;
                    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / rate));
                    while (Clock.MsSince(start) / 1000 < seconds)
                    {
                        var elapsed = Clock.MsSince(start) / 1000;
                        if (elapsed >= nextSample)
                        {
                            var s = ProcessInfo.Sample(collect: true);
                            samples.Add((elapsed, s.ManagedMb, s.RssMb, s.Threads, Internals.TableSizes(nodes)));
                            nextSample += sampleEvery;
                        }

                        var w = (int)(i % n);
                        var k = (int)(i / n % keysPerWriter);
                        var value = "s" + i.ToString(CultureInfo.InvariantCulture);
                        var key = "soak" + k.ToString(CultureInfo.InvariantCulture);
                        var writeAt = Clock.Now;
                        nodes[w].SetData(key, value);
                        last[w][k] = value;
                        if (i % rate == 0)
                        {
                            var others = nodes.Where(x => !ReferenceEquals(x, nodes[w])).ToList();
                            try
                            {
                                var times = await Converge.EachAsync(others.Count, j => others[j].GetData(nodes[w].NodeId, key) == value, cluster.Pulse, writeAt, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                                probe.Add(times.Max());
                            }
                            catch (TimeoutException)
                            {
                                probeTimeouts++;
                            }
                        }

                        i++;
                        await timer.WaitForNextTickAsync().ConfigureAwait(false);
                    }

                    var end = Clock.Now;
                    bool Holds(DsnNode node)
                    {
                        for (var w = 0; w < n; w++)
                            for (var k = 0; k < keysPerWriter; k++)
                                if (last[w][k] is { } v && node.GetData(nodes[w].NodeId, "soak" + k.ToString(CultureInfo.InvariantCulture)) != v)
                                    return false;
                        return true;
                    }

                    var converged = await Converge.EachAsync(n, j => Holds(nodes[j]), cluster.Pulse, end, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                    var finalSample = ProcessInfo.Sample(collect: true);
                    samples.Add((Clock.MsSince(start) / 1000, finalSample.ManagedMb, finalSample.RssMb, finalSample.Threads, Internals.TableSizes(nodes)));
                    var records = cluster.Log.Between(start, Clock.Now);

                    result.Add("seconds", seconds);
                    result.Add("writes_count", i);
                    result.Add("writes_per_s", i / (Clock.Ms(start, end) / 1000));
                    result.Add("all_converged_after_end_ms", converged.Max());
                    result.Add("probe_median_ms", Stats.Median(probe));
                    result.Add("probe_p99_ms", Stats.Percentile(probe, 99));
                    result.Add("probe_max_ms", Stats.Max(probe));
                    result.AtMost("probe_timeouts_count", probeTimeouts, 0, "");
                    result.AtMost("false_suspect_reports_count", records.Count(r => r.Status == DsnPeerStatus.Suspect), 0, "");
                    result.AtMost("false_failed_reports_count", records.Count(r => r.Status == DsnPeerStatus.Failed), 0, "");
                    var firstS = samples[Math.Min(1, samples.Count - 1)]; // the first sample after writes began
                    var lastS = samples[samples.Count - 1];
                    result.Add("managed_first_mb", firstS.Managed).Add("managed_last_mb", lastS.Managed).Add("managed_max_mb", samples.Max(x => x.Managed));
                    result.Add("rss_first_mb", firstS.Rss).Add("rss_last_mb", lastS.Rss).Add("rss_max_mb", samples.Max(x => x.Rss));
                    result.Add("threads_first_count", firstS.Threads).Add("threads_last_count", lastS.Threads).Add("threads_max_count", samples.Max(x => x.Threads));
                    var grown = lastS.Tables.Where(t => t.Value > firstS.Tables.GetValueOrDefault(t.Key)).Select(t => $"{t.Key} {firstS.Tables.GetValueOrDefault(t.Key)}→{t.Value}").ToList();
                    result.Add("internal_table_entries_first_count", firstS.Tables.Values.Sum()).Add("internal_table_entries_last_count", lastS.Tables.Values.Sum());
                    result.Notes.Add($"{rate} writes/s over {n} writers × {keysPerWriter} keys; one write per second timed (probe_*); samples every {sampleEvery:0.#} s after a full GC");
                    result.Notes.Add("internal tables (sum over nodes, first→last): " + string.Join(", ", lastS.Tables.Select(t => $"{t.Key} {firstS.Tables.GetValueOrDefault(t.Key)}→{t.Value}")));
                    result.Notes.Add("memory over time (s: managed MB / RSS MB / threads): " + string.Join("; ", samples.Select(x => $"{x.At:0}: {x.Managed:0.0}/{x.Rss:0}/{x.Threads}")));
                    if (grown.Count > 0)
                        result.Notes.Add("tables that grew: " + string.Join(", ", grown));
                }).ConfigureAwait(false));
            }

            return results;
        }

        /// <summary>
        /// The soak with one node per process: writes sent to the children round-robin, one per second timed until
        /// every peer has it, RSS and threads of every process sampled from /proc, false failure reports, and at the
        /// end every process must hold every writer's final values (the nodes' internal tables are not visible here).
        /// </summary>
        private static async Task<List<ScenarioResult>> AcrossProcessesAsync(IReadOnlyList<int> sizes, double seconds, int rate)
        {
            var results = new List<ScenarioResult>();
            foreach (var n in sizes)
            {
                results.Add(await Common.Guard("soak", n, "processes", async result =>
                {
                    await using var cluster = await AcrossProcesses.FormAsync(n, result).ConfigureAwait(false);
                    var ids = cluster.LiveIds;
                    var pids = AcrossProcesses.Pids(cluster);
                    const int keysPerWriter = 20;
                    var last = ids.Select(_ => new string?[keysPerWriter]).ToArray();
                    var samples = new List<(double At, double RssMedian, double RssMax, double Threads)>();
                    var probe = new List<double>();
                    var probeTimeouts = 0;
                    var start = Clock.Now;
                    var sampleEvery = Math.Max(1, seconds / 12);
                    var nextSample = 0.0;
                    long i = 0;
                    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / rate));
                    while (Clock.MsSince(start) / 1000 < seconds)
                    {
                        var elapsed = Clock.MsSince(start) / 1000;
                        if (elapsed >= nextSample)
                        {
                            var s = AcrossProcesses.Rss(pids);
                            samples.Add((elapsed, s.Median, s.Max, s.ThreadsMedian));
                            nextSample += sampleEvery;
                        }

                        var w = (int)(i % n);
                        var k = (int)(i / n % keysPerWriter);
                        var value = "s" + i.ToString(CultureInfo.InvariantCulture);
                        var key = "soak" + k.ToString(CultureInfo.InvariantCulture);
                        var setAt = long.Parse((await cluster.AskAsync(ids[w], "set", key, value).ConfigureAwait(false))[0], CultureInfo.InvariantCulture);
                        last[w][k] = value;
                        if (i % rate == 0)
                        {
                            var answers = cluster.AskAllAsync(ids.Where(id => id != ids[w]), "when", ids[w], key, value);
                            if (await Task.WhenAny(answers, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) == answers)
                                probe.Add((await answers.ConfigureAwait(false)).Max(a => Clock.Ms(setAt, long.Parse(a[0], CultureInfo.InvariantCulture))));
                            else
                                probeTimeouts++;
                        }

                        i++;
                        await timer.WaitForNextTickAsync().ConfigureAwait(false);
                    }

                    var end = Clock.Now;
                    var converged = await Task.WhenAll(ids.Select((id, self) => cluster.AskAsync(id, "when", Enumerable.Range(0, n).Where(w => w != self)
                        .SelectMany(w => Enumerable.Range(0, keysPerWriter).Where(k => last[w][k] is not null)
                            .SelectMany(k => new[] { ids[w], "soak" + k.ToString(CultureInfo.InvariantCulture), last[w][k]! }))
                        .ToArray()))).ConfigureAwait(false);
                    var final = AcrossProcesses.Rss(pids);
                    samples.Add((Clock.MsSince(start) / 1000, final.Median, final.Max, final.ThreadsMedian));
                    var records = cluster.Log.Between(start, Clock.Now);
                    result.Add("seconds", seconds);
                    result.Add("writes_count", i);
                    result.Add("writes_per_s", i / (Clock.Ms(start, end) / 1000));
                    result.Add("all_converged_after_end_ms", Math.Max(0, converged.Max(a => Clock.Ms(end, long.Parse(a[0], CultureInfo.InvariantCulture)))));
                    result.Add("probe_median_ms", Stats.Median(probe));
                    result.Add("probe_p99_ms", Stats.Percentile(probe, 99));
                    result.Add("probe_max_ms", Stats.Max(probe));
                    result.AtMost("probe_timeouts_count", probeTimeouts, 0, "");
                    result.AtMost("false_suspect_reports_count", records.Count(r => r.Status == DsnPeerStatus.Suspect), 0, "");
                    result.AtMost("false_failed_reports_count", records.Count(r => r.Status == DsnPeerStatus.Failed), 0, "");
                    var firstS = samples[Math.Min(1, samples.Count - 1)];
                    var lastS = samples[samples.Count - 1];
                    result.Add("rss_median_first_mb", firstS.RssMedian).Add("rss_median_last_mb", lastS.RssMedian).Add("rss_max_mb", samples.Max(x => x.RssMax));
                    result.Add("threads_median_first_count", firstS.Threads).Add("threads_median_last_count", lastS.Threads);
                    result.Notes.Add($"one node per process; {rate} writes/s sent round-robin to {n} writer processes × {keysPerWriter} keys; one write per second timed in the children (probe_*); RSS per process (/proc, as it stands) every {sampleEvery:0.#} s");
                    result.Notes.Add("RSS per process over time (s: median MB / max MB / threads): " + string.Join("; ", samples.Select(x => $"{x.At:0}: {x.RssMedian:0.0}/{x.RssMax:0.0}/{x.Threads:0}")));
                }).ConfigureAwait(false));
            }

            return results;
        }
    }
}
