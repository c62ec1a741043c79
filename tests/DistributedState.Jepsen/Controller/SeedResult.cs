using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using DistributedState.Jepsen.Checks;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>What one seed's run did and found: the numbers of docs/reliability.md's table, and every violation.</summary>
    internal sealed class SeedResult
    {
        public long Seed { get; init; }

        public string Mode { get; init; } = "";

        public string Folder { get; init; } = "";

        public string Schedule { get; init; } = "";

        public int Episodes { get; init; }

        public TimeSpan Duration { get; init; }

        public IReadOnlyList<string> Skipped { get; init; } = Array.Empty<string>();

        public long WritesAttempted { get; init; }

        public long WritesAcknowledged { get; init; }

        public long WritesFailed { get; init; }

        /// <summary>Distinct (owner, key) whose last acknowledged value some survivor did not hold even <see cref="Bounds.GiveUpAfter"/> after the heal.</summary>
        public int LostWrites { get; init; }

        /// <summary>Distinct (episode, owner, key) whose last acknowledged value some survivor held only after <see cref="Bounds.WritesWithin"/>.</summary>
        public int LateWrites { get; init; }


        public int FalseFailed { get; init; }

        public int UnfaultedSuspicions { get; init; }

        /// <summary>Per heal: seconds until every survivor held every acknowledged write.</summary>
        public IReadOnlyList<double> WritesEverywhereSeconds { get; init; } = Array.Empty<double>();

        /// <summary>Per heal: seconds until views and digests were identical and every member Alive.</summary>
        public IReadOnlyList<double> ConvergeSeconds { get; init; } = Array.Empty<double>();

        public IReadOnlyList<double> DetectionSeconds { get; init; } = Array.Empty<double>();

        public IReadOnlyList<double> ComeBackSeconds { get; init; } = Array.Empty<double>();

        public MessageCheck.Result Messages { get; init; } = new MessageCheck.Result();

        public long MaxRss { get; init; }

        public int MaxOpenSessions { get; init; }

        public IReadOnlyList<Violation> Violations { get; init; } = Array.Empty<Violation>();

        public bool Passed => Violations.Count == 0;

        public static string TableHeader =>
            "| seed | mode | episodes | writes attempted / acknowledged / late / lost | false Failed | writes everywhere after heal (median / max) | converged after heal (median / max) | crash seen Failed (median / max) | messages sent / acked / received | max RSS | result |\n" +
            "|---|---|---|---|---|---|---|---|---|---|---|";

        public string TableRow() =>
            $"| {Seed} | {Mode} | {Episodes} | {WritesAttempted:N0} / {WritesAcknowledged:N0} / {LateWrites} / {LostWrites} | {FalseFailed} | " +
            $"{Seconds(Median(WritesEverywhereSeconds))} / {Seconds(Max(WritesEverywhereSeconds))} | {Seconds(Median(ConvergeSeconds))} / {Seconds(Max(ConvergeSeconds))} | {Seconds(Median(DetectionSeconds))} / {Seconds(Max(DetectionSeconds))} | " +
            $"{Messages.Sent:N0} / {Messages.Acknowledged:N0} / {Messages.Received:N0} | {MaxRss / 1048576.0:0} MB | {(Passed ? "pass" : $"**{Violations.Count} violations**")} |";

        public string Describe()
        {
            var text = new StringBuilder();
            text.AppendLine($"seed {Seed} ({Mode}): {(Passed ? "PASS" : "FAIL")} in {Duration.TotalSeconds:0} s; history {Folder}/history.jsonl");
            text.AppendLine($"  writes: {WritesAttempted:N0} attempted, {WritesAcknowledged:N0} acknowledged, {WritesFailed} refused, {LateWrites} late (held only after {Bounds.WritesWithin.TotalSeconds:0} s), {LostWrites} lost");
            text.AppendLine($"  every acknowledged write on every survivor after heal: median {Seconds(Median(WritesEverywhereSeconds))}, max {Seconds(Max(WritesEverywhereSeconds))}");
            text.AppendLine($"  convergence (views, digests, all Alive) after heal: median {Seconds(Median(ConvergeSeconds))}, max {Seconds(Max(ConvergeSeconds))} over {ConvergeSeconds.Count} heals");
            text.AppendLine($"  failure detector: {FalseFailed} false Failed, {UnfaultedSuspicions} suspicions of unfaulted members (refuted), crash seen Failed median {Seconds(Median(DetectionSeconds))} max {Seconds(Max(DetectionSeconds))} ({DetectionSeconds.Count} observations), thawed member Alive again median {Seconds(Median(ComeBackSeconds))} max {Seconds(Max(ComeBackSeconds))}");
            text.AppendLine($"  messages: {Messages.Sent:N0} sent, {Messages.Acknowledged:N0} acknowledged, {Messages.Failed:N0} failed (faults), {Messages.Received:N0} received, {Messages.AcknowledgedBeforeHandlers} acknowledged by a node still starting (no handler yet)");
            text.AppendLine($"  resources: max RSS {MaxRss / 1048576.0:0} MB, max open sessions {MaxOpenSessions}");
            foreach (var skipped in Skipped)
                text.AppendLine($"  skipped: {skipped}");
            foreach (var violation in Violations)
                text.AppendLine($"  VIOLATION [{violation.Check}] {violation.Message}");
            return text.ToString();
        }

        private static double? Median(IReadOnlyList<double> values)
        {
            if (values.Count == 0)
                return null;
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        private static double? Max(IReadOnlyList<double> values) => values.Count == 0 ? null : values.Max();

        private static string Seconds(double? value) => value is null ? "–" : value.Value.ToString("0.00", CultureInfo.InvariantCulture) + " s";
    }
}
