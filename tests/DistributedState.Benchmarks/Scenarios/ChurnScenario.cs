using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Membership churn: N stable nodes; every second a member with a new NodeId (and identity) joins, writes a key and,
    /// five seconds later, leaves, for S seconds (600 for the 10-minute run). Departed members are reaped after
    /// DepartedRetention (--retention, 30 s here instead of the default hour, so reaping happens many times within the
    /// run) and remembered another retention; key bindings of forgotten members stay, up to 10,000. Memory (after full
    /// collections) and the stable nodes' tables are sampled over time: they must level off once the first departed
    /// members are forgotten (two retentions), rising afterwards only by the bindings (~300 bytes per departed NodeId).
    /// </summary>
    internal static class ChurnScenario
    {
        private const int Overlap = 5;

        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var seconds = args.Double("seconds", 120);
            var retention = TimeSpan.FromSeconds(args.Double("retention", 30));
            foreach (var n in args.Nodes(5))
            {
                results.Add(await Common.Guard("churn", n, null, async result =>
                {
                    await using var cluster = await Common.FormAsync(n, result, o => o.DepartedRetention = retention).ConfigureAwait(false);
                    var stable = cluster.Nodes;
                    var churners = new Queue<DsnNode>();
                    var samples = new List<(double At, double Managed, double Rss, int Members, Dictionary<string, long> Tables)>();
                    var start = Clock.Now;
                    var sampleEvery = Math.Max(5, seconds / 20);
                    var nextSample = 0.0;
                    var joined = 0;
                    while (Clock.MsSince(start) / 1000 < seconds)
                    {
                        var tick = Clock.Now;
                        var churner = await DsnNode.StartAsync(cluster.Options("churn" + joined++)).ConfigureAwait(false);
                        churner.SetData("status", "up");
                        churners.Enqueue(churner);
                        if (churners.Count > Overlap)
                            await churners.Dequeue().StopAsync().ConfigureAwait(false);
                        var elapsed = Clock.MsSince(start) / 1000;
                        if (elapsed >= nextSample)
                        {
                            nextSample += sampleEvery;
                            var s = ProcessInfo.Sample(collect: true);
                            samples.Add((elapsed, s.ManagedMb, s.RssMb, stable.Max(x => x.GetPeers().Count), Internals.TableSizes(stable)));
                            Progress.Say($"  {elapsed:0} s: {joined} joined, managed {s.ManagedMb:0.0} MB, members on a stable node {samples[^1].Members}");
                        }

                        var wait = 1000 - Clock.MsSince(tick);
                        if (wait > 0)
                            await Task.Delay(TimeSpan.FromMilliseconds(wait)).ConfigureAwait(false);
                    }

                    while (churners.Count > 0)
                        await churners.Dequeue().StopAsync().ConfigureAwait(false);
                    var first = samples.First();
                    var settled = samples.Where(x => x.At >= 2 * retention.TotalSeconds).ToList();
                    result.Add("seconds", seconds);
                    result.Add("members_joined_and_left_count", joined);
                    result.Add("managed_first_mb", first.Managed).Add("managed_last_mb", samples[^1].Managed).Add("managed_max_mb", samples.Max(x => x.Managed));
                    if (settled.Count > 1)
                        result.Add("managed_after_two_retentions_first_mb", settled[0].Managed).Add("managed_after_two_retentions_last_mb", settled[^1].Managed);
                    result.Add("rss_first_mb", first.Rss).Add("rss_last_mb", samples[^1].Rss);
                    result.Add("members_max_count", samples.Max(x => x.Members)).Add("members_last_count", samples[^1].Members);
                    result.Notes.Add($"{n} stable nodes; one new member a second, each leaving {Overlap} s later; DepartedRetention {retention.TotalSeconds:0} s; samples every {sampleEvery:0} s after full collections");
                    result.Notes.Add("memory over time (s: managed MB / RSS MB / members on a stable node): " + string.Join("; ", samples.Select(x => $"{x.At:0}: {x.Managed:0.0}/{x.Rss:0}/{x.Members}")));
                    var oldest = stable[0].GetPeers().Where(p => p.Status != DsnPeerStatus.Alive).OrderBy(p => p.LastChange).FirstOrDefault();
                    result.Notes.Add("members on a stable node at the end by status: " + string.Join(", ", stable[0].GetPeers().GroupBy(p => p.Status).Select(g => $"{g.Key} {g.Count()}"))
                        + (oldest is null ? "" : $"; the oldest departed changed {(DateTimeOffset.UtcNow - oldest.LastChange).TotalSeconds:0} s ago ({oldest.NodeId})"));
                    result.Notes.Add("stable nodes' tables (first→last): " + string.Join(", ", samples[^1].Tables.Where(t => t.Value > 0 || first.Tables.GetValueOrDefault(t.Key) > 0).Select(t => $"{t.Key} {first.Tables.GetValueOrDefault(t.Key)}→{t.Value}")));
                }).ConfigureAwait(false));
            }

            return results;
        }
    }
}
