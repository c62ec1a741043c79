using System;
using System.IO;
using System.Linq;

namespace DistributedState.Jepsen.Node
{
    /// <summary>What the kernel says about this process: resident memory, threads and open descriptors (Linux /proc).</summary>
    internal static class ProcessMetrics
    {
        public static long ResidentBytes()
        {
            // statm: size resident shared … in pages.
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }

        public static int Threads()
        {
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal));
            return int.Parse(line.Substring("Threads:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;
    }
}
