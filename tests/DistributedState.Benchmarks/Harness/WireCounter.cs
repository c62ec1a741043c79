using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>
    /// Bytes on the loopback wire between a set of listening ports, counted by nftables: every IP packet (headers
    /// included) whose source or destination port is one of them, counted once in the output hook. Between members
    /// every UDP datagram and every TCP segment has a listening port on one side, so the sum is what all of them sent.
    /// The same count for our nodes and for Serf agents makes their bytes comparable (our own counters see only frames).
    /// Needs root and <c>nft</c>; <see cref="TryCreate"/> returns null (and says why) otherwise.
    /// </summary>
    internal sealed class WireCounter : IDisposable
    {
        private static readonly Regex Counter = new Regex(@"counter packets (\d+) bytes (\d+)", RegexOptions.CultureInvariant);
        private readonly string _table;

        private WireCounter(string table) => _table = table;

        public static WireCounter? TryCreate(IEnumerable<int> ports, out string? why)
        {
            var table = "dsnbench" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            var set = string.Join(", ", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
            // The first rule accepts what it counted, so a packet between two listening ports is not counted twice
            // (accept ends only this table's chain; other tables still see the packet).
            var script = $"table inet {table} {{\n chain out {{\n  type filter hook output priority 0; policy accept;\n" +
                $"  th sport {{ {set} }} counter accept\n  th dport {{ {set} }} counter\n }}\n}}\n";
            why = Nft("-f -", script, out var error) ? null : "nft failed: " + error;
            return why is null ? new WireCounter(table) : null;
        }

        /// <summary>Bytes counted so far.</summary>
        public long Bytes()
        {
            if (!Nft($"list table inet {_table}", null, out var output))
                throw new InvalidOperationException("nft list failed: " + output);
            return Counter.Matches(output).Sum(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }

        public void Dispose() => Nft($"delete table inet {_table}", null, out _);

        private static bool Nft(string arguments, string? input, out string output)
        {
            try
            {
                using var nft = Process.Start(new ProcessStartInfo("nft", arguments)
                {
                    RedirectStandardInput = input is not null,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                })!;
                if (input is not null)
                {
                    nft.StandardInput.Write(input);
                    nft.StandardInput.Close();
                }

                var stdout = nft.StandardOutput.ReadToEnd();
                var stderr = nft.StandardError.ReadToEnd();
                nft.WaitForExit();
                output = nft.ExitCode == 0 ? stdout : stderr.Trim();
                return nft.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception error)
            {
                output = error.Message;
                return false;
            }
        }
    }
}
