using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.Jepsen.Checks
{
    /// <summary>
    /// Convergence after a heal: every survivor's latest report shows every member Alive, the same view (members and
    /// incarnations) and the same digest (keys, values and versions of every owner) as every other survivor, and each
    /// owner's values hash to what that owner acknowledged.
    /// </summary>
    internal static class ConvergenceCheck
    {
        /// <summary>Owners whose values some survivor does not hold as acknowledged (the data half of convergence).</summary>
        /// <param name="nodes">The survivors (every node, at the end of an episode).</param>
        /// <param name="reports">Each survivor's latest report made after its last write.</param>
        /// <param name="expected">Owner → hash of its acknowledged state (<see cref="Common.StateDigest.OfValues"/>).</param>
        public static List<string> WriteDifferences(IReadOnlyList<string> nodes, IReadOnlyDictionary<string, ViewReport> reports, IReadOnlyDictionary<string, string> expected)
        {
            var problems = new List<string>();
            foreach (var node in nodes)
            {
                if (!reports.TryGetValue(node, out var report))
                {
                    problems.Add($"{node}: no report since its last write");
                    continue;
                }

                foreach (var owner in nodes)
                {
                    var held = report.Owners.TryGetValue(owner, out var hash) ? hash : "nothing";
                    if (held != expected[owner])
                        problems.Add($"{node} holds {owner}'s state {held}, acknowledged {expected[owner]}");
                }
            }

            return problems;
        }

        /// <summary>Everything that still differs (<see cref="WriteDifferences"/>, members not Alive, views or digests not identical); empty when converged.</summary>
        public static List<string> Differences(IReadOnlyList<string> nodes, IReadOnlyDictionary<string, ViewReport> reports, IReadOnlyDictionary<string, string> expected)
        {
            var problems = WriteDifferences(nodes, reports, expected);
            foreach (var report in reports.Values.OrderBy(r => r.Node, StringComparer.Ordinal))
            {
                var notAlive = nodes.Where(n => !report.View.TryGetValue(n, out var status) || !status.StartsWith("Alive:", StringComparison.Ordinal))
                    .Select(n => $"{n} {(report.View.TryGetValue(n, out var s) ? s : "unknown")}").ToList();
                if (notAlive.Count > 0)
                    problems.Add($"{report.Node} sees {string.Join(", ", notAlive)}");
                var strangers = report.View.Keys.Where(n => !nodes.Contains(n)).ToList();
                if (strangers.Count > 0)
                    problems.Add($"{report.Node} lists members that are not in the run: {string.Join(", ", strangers)}");
            }

            if (problems.Count == 0)
            {
                var views = reports.Values.GroupBy(r => string.Join(",", r.View.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key + "=" + v.Value))).ToList();
                if (views.Count > 1)
                    problems.Add("views differ: " + string.Join(" / ", views.Select(g => $"{string.Join(",", g.Select(r => r.Node))}: {g.Key}")));
                var digests = reports.Values.GroupBy(r => r.Digest).ToList();
                if (digests.Count > 1)
                    problems.Add("digests differ (same values, different versions): " + string.Join(" / ", digests.Select(g => $"{string.Join(",", g.Select(r => r.Node))}: {g.Key}")));
            }

            return problems;
        }

        /// <summary>One key that a survivor holds otherwise than its owner acknowledged.</summary>
        /// <param name="Lost">
        /// True when an acknowledged write of the owner's current run is missing (a value not held, or a removal not
        /// applied); false when the survivor still holds a previous run's value that the current run's opening will replace.
        /// </param>
        internal sealed record Mismatch(string Observer, string Owner, string Key, string? Held, string? Acknowledged, bool Lost)
        {
            public override string ToString() =>
                $"{Observer}: {Owner}/{Key} = {Held ?? "(absent)"} (acknowledged: {Acknowledged ?? "(removed or never written)"}){(Lost ? "" : " [previous run]")}";
        }

        /// <summary>Every key some survivor holds otherwise than acknowledged, from full dumps of every survivor's state.</summary>
        /// <param name="dumps">Observer → owner → key → value.</param>
        /// <param name="expected">Owner → its current run's acknowledged state.</param>
        /// <param name="runs">Owner → its current run (values are written as owner.run.seq…).</param>
        public static List<Mismatch> Mismatches(IReadOnlyDictionary<string, Dictionary<string, Dictionary<string, string>>> dumps,
            IReadOnlyDictionary<string, Dictionary<string, string>> expected, IReadOnlyDictionary<string, int> runs)
        {
            var mismatches = new List<Mismatch>();
            foreach (var (observer, states) in dumps.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                foreach (var (owner, acknowledged) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    var held = states.TryGetValue(owner, out var s) ? s : new Dictionary<string, string>();
                    foreach (var key in acknowledged.Keys.Union(held.Keys).OrderBy(k => k, StringComparer.Ordinal))
                    {
                        var want = acknowledged.TryGetValue(key, out var w) ? w : null;
                        var have = held.TryGetValue(key, out var h) ? h : null;
                        if (want == have)
                            continue;
                        var lost = want != null || RunOf(have!) == runs[owner];
                        mismatches.Add(new Mismatch(observer, owner, key, have, want, lost));
                    }
                }
            }

            return mismatches;
        }

        /// <summary>The run a workload value was written by ("n3.2.41xxx" → 2), −1 for anything else.</summary>
        private static int RunOf(string value)
        {
            var parts = value.Split('.');
            return parts.Length >= 3 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var run) ? run : -1;
        }
    }
}
