using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Time for a fleet query answered by every member: from QueryAsync to its return once all N have answered
    /// (each member answers from a C# handler at once), and the latency of the slowest answer.
    /// </summary>
    internal static class QueryScenario
    {
        public static async Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var results = new List<ScenarioResult>();
            var trials = args.Int("trials", 20);
            foreach (var n in args.Nodes(10, 30))
            {
                results.Add(await Common.Guard("query", n, null, async result =>
                {
                    await using var cluster = await Common.FormAsync(n, result).ConfigureAwait(false);
                    var nodes = cluster.Nodes;
                    foreach (var node in nodes)
                    {
                        var answer = Encoding.UTF8.GetBytes("up " + node.NodeId);
                        node.SetQueryHandler("uptime", _ => answer);
                    }

                    var complete = new List<double>();
                    var slowest = new List<double>();
                    var options = new DsnQueryOptions { Timeout = TimeSpan.FromSeconds(10) };
                    for (var t = -1; t < trials; t++)
                    {
                        var asker = nodes[(t + 1) % nodes.Count];
                        var clock = Stopwatch.StartNew();
                        var answers = await asker.QueryAsync("uptime", new byte[0], options).ConfigureAwait(false);
                        var elapsed = clock.Elapsed.TotalMilliseconds;
                        if (answers.Count != n)
                            throw new InvalidOperationException($"{answers.Count} of {n} members answered within {options.Timeout.TotalSeconds:0} s");
                        if (t < 0)
                            continue; // the first query opens the connections members answer on
                        complete.Add(elapsed);
                        slowest.Add(answers.Max(a => a.Latency.TotalMilliseconds));
                    }

                    result.Add("trials_count", complete.Count);
                    result.Add("all_answered_median_ms", Stats.Median(complete));
                    result.Add("all_answered_p99_ms", Stats.Percentile(complete, 99));
                    result.Add("slowest_answer_median_ms", Stats.Median(slowest));
                    result.Notes.Add(string.Format(CultureInfo.InvariantCulture, "{0} queries, each answered by all {1} members", complete.Count, n));
                }).ConfigureAwait(false));
            }

            return results;
        }
    }
}
