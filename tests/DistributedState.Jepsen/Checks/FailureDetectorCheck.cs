using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Jepsen.Controller;

namespace DistributedState.Jepsen.Checks
{
    /// <summary>
    /// Failure-detector accuracy and completeness from the observers' status reports and the faults in force:
    /// no member is reported Failed without an excuse (a crash, freeze, partition or slow link of its own within
    /// <see cref="Bounds.ExcuseLookback"/>, or a slow link of the observer's, which cuts it off from everyone as a
    /// partition would; loss on some of its links is no excuse), nobody is reported Left (the
    /// schedule never stops a node gracefully), every crashed member is Failed in every running, unfrozen view within
    /// <see cref="Bounds.FailedWithin"/>, and every thawed member is Alive again everywhere within <see cref="Bounds.BackWithin"/>.
    /// </summary>
    internal static class FailureDetectorCheck
    {
        internal sealed class Result
        {
            public List<Violation> Violations { get; } = new List<Violation>();

            /// <summary>Failed reports of members that had no excusing fault.</summary>
            public int FalseFailed { get; set; }

            /// <summary>Suspicions of members that had no fault at all (not a violation: suspicion exists to be refuted).</summary>
            public int UnfaultedSuspicions { get; set; }

            /// <summary>Per observer and crash: seconds from kill -9 to Failed.</summary>
            public List<double> DetectionSeconds { get; } = new List<double>();

            /// <summary>Per observer and freeze: seconds from SIGCONT (or the later heal) to Alive.</summary>
            public List<double> ComeBackSeconds { get; } = new List<double>();
        }

        /// <param name="statuses">Every status report (joins included).</param>
        /// <param name="faults">Every fault interval of the run.</param>
        /// <param name="lives">Every node process.</param>
        /// <param name="untilNs">The end of the run's checked part (reports after it, during the final stop, are ignored).</param>
        /// <param name="formatTime">Renders a time for messages (seconds since the run began).</param>
        public static Result Analyze(IReadOnlyList<StatusReport> statuses, IReadOnlyList<FaultInterval> faults, IReadOnlyList<ProcessLife> lives,
            long untilNs, Func<long, string> formatTime)
        {
            var result = new Result();
            var lookback = Ns(Bounds.ExcuseLookback);
            bool Within(FaultInterval f, long at) => f.StartNs <= at && f.EndNs >= at - lookback;

            foreach (var report in statuses.Where(s => s.AtNs <= untilNs && s.Observer != s.Subject))
            {
                var excused = faults.Any(f => Within(f, report.AtNs) &&
                    ((f.Node == report.Subject && f.Excuses) || (f.Node == report.Observer && f.ExcusesItsReports)));
                if (report.To == "Failed" && !excused)
                {
                    result.FalseFailed++;
                    var others = faults.Where(f => f.Node == report.Subject && Within(f, report.AtNs)).Select(f => f.Kind).Distinct().ToList();
                    result.Violations.Add(new Violation("failure detector",
                        $"{report.Observer} (run {report.ObserverRun}) reported {report.Subject} Failed at {formatTime(report.AtNs)} (incarnation {report.Incarnation}); " +
                        $"{report.Subject} had no crash, freeze, partition or slow link in the {Bounds.ExcuseLookback.TotalSeconds:0} s before, nor {report.Observer} a slow link" +
                        (others.Count > 0 ? $" (only: {string.Join(", ", others)})" : "")));
                }
                else if (report.To == "Left")
                {
                    result.Violations.Add(new Violation("failure detector",
                        $"{report.Observer} reported {report.Subject} Left at {formatTime(report.AtNs)}, but it was never stopped gracefully"));
                }
                else if (report.To == "Suspect" && !faults.Any(f => f.Node == report.Subject && Within(f, report.AtNs)))
                {
                    result.UnfaultedSuspicions++;
                }
            }

            foreach (var crash in faults.Where(f => f.Kind == "crash"))
                CheckDetected(crash, statuses, faults, lives, formatTime, result);
            foreach (var freeze in faults.Where(f => f.Kind == "freeze"))
                CheckCameBack(freeze, statuses, faults, lives, formatTime, result);
            return result;
        }

        private static void CheckDetected(FaultInterval crash, IReadOnlyList<StatusReport> statuses, IReadOnlyList<FaultInterval> faults,
            IReadOnlyList<ProcessLife> lives, Func<long, string> formatTime, Result result)
        {
            var deadline = crash.StartNs + Ns(Bounds.FailedWithin);
            foreach (var observer in Observers(crash.Node, crash.StartNs, deadline, faults, lives))
            {
                var seen = StatusAt(statuses, observer, crash.Node, deadline);
                if (seen?.To != "Failed")
                {
                    result.Violations.Add(new Violation("failure detector",
                        $"{observer.Node} (run {observer.Run}) still saw {crash.Node} {seen?.To ?? "unknown"} {Bounds.FailedWithin.TotalSeconds:0} s after it was killed at {formatTime(crash.StartNs)}"));
                    continue;
                }

                var before = StatusAt(statuses, observer, crash.Node, crash.StartNs);
                result.DetectionSeconds.Add(before?.To == "Failed" ? 0 : (seen.AtNs - crash.StartNs) / 1e9);
            }
        }

        private static void CheckCameBack(FaultInterval freeze, IReadOnlyList<StatusReport> statuses, IReadOnlyList<FaultInterval> faults,
            IReadOnlyList<ProcessLife> lives, Func<long, string> formatTime, Result result)
        {
            foreach (var observer in Observers(freeze.Node, freeze.EndNs, freeze.EndNs + Ns(Bounds.BackWithin), faults, lives))
            {
                // A partition still in force at the thaw keeps the member away until it heals: measure from then.
                var from = faults.Where(f => f.Kind != "freeze" && f.Excuses && (f.Node == freeze.Node || f.Node == observer.Node)
                        && f.StartNs <= freeze.EndNs && f.EndNs > freeze.EndNs)
                    .Select(f => f.EndNs).DefaultIfEmpty(freeze.EndNs).Max();
                var deadline = from + Ns(Bounds.BackWithin);
                if (!observer.Covers(from, deadline))
                    continue;
                // Alive again at some moment within the bound: what the view says at the bound's end may already be
                // the next episode's fault (an episode can begin less than the bound after a thaw).
                var atThaw = StatusAt(statuses, observer, freeze.Node, from);
                var back = atThaw?.To == "Alive"
                    ? atThaw
                    : statuses.FirstOrDefault(s => s.Observer == observer.Node && s.ObserverRun == observer.Run && s.Subject == freeze.Node
                        && s.AtNs > from && s.AtNs <= deadline && s.To == "Alive");
                if (back is null)
                {
                    var seen = StatusAt(statuses, observer, freeze.Node, deadline);
                    result.Violations.Add(new Violation("failure detector",
                        $"{observer.Node} (run {observer.Run}) never saw {freeze.Node} Alive within {Bounds.BackWithin.TotalSeconds:0} s after it was thawed at {formatTime(freeze.EndNs)}" +
                        (from > freeze.EndNs ? $" (measured from the heal at {formatTime(from)})" : "") + $"; it saw it {seen?.To ?? "unknown"}"));
                    continue;
                }

                result.ComeBackSeconds.Add(back == atThaw ? 0 : (back.AtNs - from) / 1e9);
            }
        }

        /// <summary>The processes of other nodes that ran, unfrozen, through the whole window.</summary>
        private static IEnumerable<ProcessLife> Observers(string subject, long fromNs, long toNs, IReadOnlyList<FaultInterval> faults, IReadOnlyList<ProcessLife> lives) =>
            lives.Where(l => l.Node != subject && l.Covers(fromNs, toNs)
                && !faults.Any(f => f.Node == l.Node && f.Kind == "freeze" && f.StartNs <= toNs && f.EndNs >= fromNs));

        /// <summary>The observer process's last report about the subject at or before the time.</summary>
        private static StatusReport? StatusAt(IReadOnlyList<StatusReport> statuses, ProcessLife observer, string subject, long atNs) =>
            statuses.LastOrDefault(s => s.Observer == observer.Node && s.ObserverRun == observer.Run && s.Subject == subject && s.AtNs <= atNs);

        private static long Ns(TimeSpan span) => span.Ticks * 100;
    }
}
