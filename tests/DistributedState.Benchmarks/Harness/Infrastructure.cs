using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>Monotonic timestamps. Stopwatch on Linux is CLOCK_MONOTONIC, so timestamps compare across processes of one machine.</summary>
    internal static class Clock
    {
        public static long Now => Stopwatch.GetTimestamp();

        public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

        public static double MsSince(long from) => Ms(from, Now);
    }

    internal static class Stats
    {
        public static double Percentile(IReadOnlyList<double> values, double p)
        {
            if (values.Count == 0)
                return double.NaN;
            var sorted = values.OrderBy(v => v).ToArray();
            // Nearest-rank: the p99 of 200 trials is the 198th value.
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
            return sorted[Math.Min(sorted.Length, Math.Max(1, rank)) - 1];
        }

        public static double Median(IReadOnlyList<double> values)
        {
            if (values.Count == 0)
                return double.NaN;
            var sorted = values.OrderBy(v => v).ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        public static double Max(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Max();
    }

    /// <summary>
    /// Wakes waiters whenever any observed node raises an event. Cheap when nobody waits, so event storms during
    /// throughput runs cost one volatile read per event.
    /// </summary>
    internal sealed class Pulse
    {
        private TaskCompletionSource<bool> _next = New();
        private int _waiters;

        public Task Next => Volatile.Read(ref _next).Task;

        public void Fire()
        {
            if (Volatile.Read(ref _waiters) == 0)
                return;
            Interlocked.Exchange(ref _next, New()).TrySetResult(true);
        }

        public IDisposable Arm()
        {
            Interlocked.Increment(ref _waiters);
            return new Disarm(this);
        }

        private static TaskCompletionSource<bool> New() => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        private sealed class Disarm : IDisposable
        {
            private Pulse? _pulse;

            public Disarm(Pulse pulse) => _pulse = pulse;

            public void Dispose()
            {
                var pulse = Interlocked.Exchange(ref _pulse, null);
                if (pulse is not null)
                    Interlocked.Decrement(ref pulse._waiters);
            }
        }
    }

    internal static class Converge
    {
        /// <summary>
        /// Checks <paramref name="satisfied"/> for each of <paramref name="count"/> subjects after every event (and at
        /// least every 20 ms as a safety net), records the milliseconds since <paramref name="start"/> at which each
        /// first held, and returns them. Throws <see cref="TimeoutException"/> when the bound passes.
        /// </summary>
        public static async Task<double[]> EachAsync(int count, Func<int, bool> satisfied, Pulse pulse, long start, TimeSpan timeout, Func<string>? describe = null)
        {
            var times = new double[count];
            var pending = new List<int>(Enumerable.Range(0, count));
            var deadline = start + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            using (pulse.Arm())
            {
                while (true)
                {
                    var next = pulse.Next;
                    for (var i = pending.Count - 1; i >= 0; i--)
                    {
                        if (satisfied(pending[i]))
                        {
                            times[pending[i]] = Clock.MsSince(start);
                            pending.RemoveAt(i);
                        }
                    }

                    if (pending.Count == 0)
                        return times;
                    var remainingMs = Clock.Ms(Clock.Now, deadline);
                    if (remainingMs <= 0)
                        throw new TimeoutException($"not converged after {timeout.TotalSeconds:0.#} s: {pending.Count} of {count} pending" + (describe is null ? "" : ": " + describe()));
                    await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(20, Math.Max(1, remainingMs))))).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Status changes as observers reported them, with monotonic timestamps.</summary>
    internal sealed class StatusLog
    {
        private readonly List<Record> _records = new List<Record>();

        public readonly struct Record
        {
            public Record(string observer, string subject, DsnPeerStatus status, long at)
            {
                Observer = observer;
                Subject = subject;
                Status = status;
                At = at;
            }

            public string Observer { get; }
            public string Subject { get; }
            public DsnPeerStatus Status { get; }
            public long At { get; }
        }

        public void Add(string observer, string subject, DsnPeerStatus status, long at)
        {
            lock (_records)
                _records.Add(new Record(observer, subject, status, at));
        }

        /// <summary>When <paramref name="observer"/> first reported <paramref name="subject"/> as <paramref name="status"/> at or after <paramref name="since"/>; null if not yet.</summary>
        public long? First(string observer, string subject, DsnPeerStatus status, long since)
        {
            lock (_records)
            {
                foreach (var r in _records)
                    if (r.At >= since && r.Status == status && r.Observer == observer && r.Subject == subject)
                        return r.At;
            }

            return null;
        }

        public List<Record> Between(long from, long to)
        {
            lock (_records)
                return _records.Where(r => r.At >= from && r.At <= to).ToList();
        }
    }

    /// <summary>Read-only peeks at a node's private tables, for the soak's "no table grows" check. Tolerates renames.</summary>
    internal static class Internals
    {
        private static readonly FieldInfo[] Tables = typeof(DsnNode)
            .GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Where(f => typeof(System.Collections.ICollection).IsAssignableFrom(f.FieldType) && !f.FieldType.IsArray && f.Name.StartsWith("_", StringComparison.Ordinal))
            .ToArray();

        public static Dictionary<string, long> TableSizes(IEnumerable<DsnNode> nodes)
        {
            var sizes = Tables.ToDictionary(f => f.Name, _ => 0L);
            foreach (var node in nodes)
            {
                foreach (var field in Tables)
                {
                    // Counting without the node's lock may race a writer; a torn read only costs one sample's accuracy.
                    try
                    {
                        if (field.GetValue(node) is System.Collections.ICollection collection)
                            sizes[field.Name] += collection.Count;
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
            }

            return sizes;
        }

        public static int SessionCount(DsnNode node) => node.ConnectedPeerCount;
    }

    internal static class ProcessInfo
    {
        /// <summary>
        /// Managed heap, RSS and threads. With <paramref name="collect"/>, after full compacting collections; RSS is
        /// then read twice: as the GC left it (<c>RssUntrimmedMb</c>: still holding whatever of its gen0 budget it last
        /// touched, which grows with the allocation rate) and after an aggressive collection that returns the GC's
        /// free regions to the OS (<c>RssMb</c>: memory something actually holds).
        /// </summary>
        public static MemorySample Sample(bool collect)
        {
            var untrimmed = 0.0;
            if (collect)
            {
                for (var i = 0; i < 2; i++)
                {
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                }

                untrimmed = RssMb();
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            // The heap size the last GC left (after the forced compacting collections above, the live managed memory).
            // GC.GetTotalMemory(false) was seen to return a negative number on .NET 10 right after a forced GC.
            var heap = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
            var managed = (heap > 0 ? heap : Math.Max(0, GC.GetTotalMemory(false))) / (1024.0 * 1024.0);
            using var process = Process.GetCurrentProcess();
            var rss = RssMb();
            return new MemorySample(managed, rss, collect ? untrimmed : rss, process.Threads.Count);
        }

        private static double RssMb()
        {
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return process.WorkingSet64 / (1024.0 * 1024.0);
        }

        public static TimeSpan CpuTime()
        {
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>One memory reading of this process, in MiB.</summary>
    internal readonly struct MemorySample
    {
        public MemorySample(double managedMb, double rssMb, double rssUntrimmedMb, int threads)
        {
            ManagedMb = managedMb;
            RssMb = rssMb;
            RssUntrimmedMb = rssUntrimmedMb;
            Threads = threads;
        }

        public double ManagedMb { get; }

        public double RssMb { get; }

        public double RssUntrimmedMb { get; }

        public int Threads { get; }
    }
}
