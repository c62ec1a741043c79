using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// What this machine lets a run do. Without namespaces there is no run (<see cref="SkipReason"/>); without nft the
    /// partitions and loss are skipped, without tc's tbf the slow link, without libfaketime the clock skew — each with
    /// its reason in the summary.
    /// </summary>
    internal sealed record Capabilities(string? SkipReason, string? NftMissing, string? TbfMissing, string? FaketimeLibrary, string? FaketimeMissing)
    {
        /// <summary>Why a fault that needs <paramref name="tool"/> cannot run here, or null if it can.</summary>
        public string? Missing(string? tool) => tool switch
        {
            "nft" => NftMissing,
            "tbf" => TbfMissing,
            _ => null,
        };

        public static async Task<Capabilities> ProbeAsync(string probeNamespace)
        {
            if (!OperatingSystem.IsLinux())
                return Skip("not Linux (the run needs Linux network namespaces)");
            if (Posix.EffectiveUserId() != 0)
                return Skip("not root (creating network namespaces needs root: CAP_SYS_ADMIN and CAP_NET_ADMIN)");
            if (!Shell.OnPath("ip"))
                return Skip("iproute2's ip is not installed");
            var add = await Shell.RunAsync("ip", new[] { "netns", "add", probeNamespace }).ConfigureAwait(false);
            if (!add.Succeeded)
                return Skip($"network namespaces cannot be created here (ip netns add: {add.Error.Trim()})");
            try
            {
                string? nft = null;
                if (!Shell.OnPath("nft"))
                    nft = "nft is not installed (Debian: apt-get install nftables)";
                else
                {
                    var table = await Shell.RunAsync("ip", new[] { "netns", "exec", probeNamespace, "nft", "add", "table", "inet", "probe" }).ConfigureAwait(false);
                    if (!table.Succeeded)
                        nft = $"nft does not work here ({table.Error.Trim()})";
                }

                await Shell.RunAsync("ip", new[] { "-n", probeNamespace, "link", "set", "lo", "up" }).ConfigureAwait(false);
                var tbf = await Shell.RunAsync("ip", new[] { "netns", "exec", probeNamespace, "tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "100ms" }).ConfigureAwait(false);
                var tbfMissing = tbf.Succeeded ? null : $"tc's tbf qdisc is not available ({tbf.Error.Trim()})";

                var faketime = FindFaketime();
                return new Capabilities(null, nft, tbfMissing, faketime,
                    faketime is null ? "libfaketime is not installed (Debian: apt-get install faketime)" : null);
            }
            finally
            {
                await Shell.RunAsync("ip", new[] { "netns", "del", probeNamespace }).ConfigureAwait(false);
            }
        }

        /// <summary>libfaketime's multi-threaded build, where Debian and a source install put it.</summary>
        private static string? FindFaketime()
        {
            var folders = new[] { "/usr/lib", "/usr/local/lib", "/usr/lib64" };
            return folders.Where(Directory.Exists)
                .SelectMany(f => Directory.EnumerateDirectories(f).Prepend(f))
                .Select(f => Path.Combine(f, "faketime", "libfaketimeMT.so.1"))
                .FirstOrDefault(File.Exists);
        }

        private static Capabilities Skip(string reason) => new Capabilities(reason, null, null, null, null);
    }
}
