using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.Jepsen.Checks
{
    /// <summary>
    /// No unbounded growth: within each node process, after a warm-up, the largest resident memory, descriptor, thread
    /// and session counts of the last third of its samples stay within a margin of those of the first third. A
    /// two-minute run can only catch a fast leak; the long run's processes live for minutes.
    /// </summary>
    internal static class GrowthCheck
    {
        public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
        public const int LeastSamples = 6;
        public const long RssMarginBytes = 64L << 20;
        public const int CountMargin = 64;

        internal sealed class Result
        {
            public List<Violation> Violations { get; } = new List<Violation>();

            public long MaxRss { get; set; }

            public int MaxOpenSessions { get; set; }

            public int ProcessesJudged { get; set; }
        }

        public static Result Analyze(IReadOnlyList<StatsSample> samples)
        {
            var result = new Result();
            foreach (var process in samples.GroupBy(s => (s.Node, s.Run)))
            {
                var all = process.OrderBy(s => s.AtNs).ToList();
                result.MaxRss = Math.Max(result.MaxRss, all.Max(s => s.Rss));
                result.MaxOpenSessions = Math.Max(result.MaxOpenSessions, (int)all.Max(s => s.OpenSessions));
                var warm = all.Where(s => s.AtNs >= all[0].AtNs + WarmUp.Ticks * 100).ToList();
                if (warm.Count < LeastSamples)
                    continue;
                result.ProcessesJudged++;
                var third = warm.Count / 3;
                var early = warm.Take(third).ToList();
                var late = warm.Skip(warm.Count - third).ToList();
                var name = $"{process.Key.Node} (run {process.Key.Run})";
                Compare(result, name, "resident memory (MB)", early.Max(s => s.Rss) / 1048576.0, late.Max(s => s.Rss) / 1048576.0, e => e * 1.5 + RssMarginBytes / 1048576.0);
                Compare(result, name, "open descriptors", early.Max(s => s.Fds), late.Max(s => s.Fds), e => e + CountMargin);
                Compare(result, name, "threads", early.Max(s => s.Threads), late.Max(s => s.Threads), e => e + CountMargin);
                Compare(result, name, "open sessions", early.Max(s => s.OpenSessions), late.Max(s => s.OpenSessions), e => e + CountMargin);
            }

            return result;
        }

        private static void Compare(Result result, string process, string what, double early, double late, Func<double, double> limit)
        {
            if (late > limit(early))
                result.Violations.Add(new Violation("growth", $"{process}: {what} grew from {early:0.#} to {late:0.#} (limit {limit(early):0.#})"));
        }
    }
}
