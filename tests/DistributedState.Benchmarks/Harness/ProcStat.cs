using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>
    /// CPU time, RSS and threads of another process, read from /proc by the parent, so our child processes and Serf
    /// agents are measured the same way (the runtime, GC and JIT of a .NET child included, as a user would see them).
    /// </summary>
    internal readonly struct ProcStat
    {
        /// <summary>USER_HZ: Linux reports utime/stime in 1/100 s on every architecture .NET runs on.</summary>
        private const double TicksPerSecond = 100;

        private ProcStat(double cpuSeconds, double rssMb, int threads)
        {
            CpuSeconds = cpuSeconds;
            RssMb = rssMb;
            Threads = threads;
        }

        public double CpuSeconds { get; }

        public double RssMb { get; }

        public int Threads { get; }

        /// <summary>Reads /proc/PID/stat (utime + stime of all threads) and /proc/PID/status (VmRSS, Threads).</summary>
        public static ProcStat Read(int pid)
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            double rssKb = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    rssKb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                    threads = int.Parse(line.Split('\t', ' ').Last(s => s.Length > 0), CultureInfo.InvariantCulture);
            }

            return new ProcStat(ticks / TicksPerSecond, rssKb / 1024, threads);
        }

        public static List<ProcStat> ReadAll(IEnumerable<int> pids) => pids.Select(Read).ToList();

        /// <summary>CPU per process over a window as a percentage of one core, averaged over the processes (clock ticks are 10 ms, so the sum over N is the precise part).</summary>
        public static double CpuPercentPerProcess(IReadOnlyList<ProcStat> before, IReadOnlyList<ProcStat> after, double seconds) =>
            (after.Sum(a => a.CpuSeconds) - before.Sum(b => b.CpuSeconds)) / seconds / after.Count * 100;
    }
}
