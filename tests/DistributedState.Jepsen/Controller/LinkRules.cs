using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// The nft ruleset of one node's namespace for a set of cuts and lossy links. Packets are dropped on the receiver's
    /// input hook, never on the sender's output: a drop on output makes the sender's send fail at once (EPERM), which a
    /// real partition never does; a drop on input is silent, as a cut cable or a firewall is. The script replaces the
    /// whole table in one nft transaction.
    /// </summary>
    internal static class LinkRules
    {
        public const string Table = "dsj";

        public static string Render(string node, IEnumerable<(string From, string To)> dropped, IEnumerable<LossyLink> lossy, Func<string, IPAddress> addressOf)
        {
            var script = new StringBuilder();
            script.Append("add table inet ").Append(Table).Append('\n');
            script.Append("flush table inet ").Append(Table).Append('\n');
            script.Append("add chain inet ").Append(Table).Append(" input { type filter hook input priority 0; policy accept; }\n");
            var cutFrom = dropped.Where(p => p.To == node).Select(p => p.From).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
            foreach (var from in cutFrom)
                script.Append("add rule inet ").Append(Table).Append(" input ip saddr ").Append(addressOf(from)).Append(" drop\n");
            foreach (var link in lossy.Where(l => l.A == node || l.B == node))
            {
                var other = link.A == node ? link.B : link.A;
                if (cutFrom.Contains(other))
                    continue; // already dropped whole
                script.Append("add rule inet ").Append(Table).Append(" input ip saddr ").Append(addressOf(other))
                    .Append(" numgen random mod 100 < ").Append(link.Percent.ToString(CultureInfo.InvariantCulture)).Append(" drop\n");
            }

            return script.ToString();
        }

        /// <summary>tc arguments that make a device a slow link: a token bucket at <paramref name="rateKbit"/>, queueing up to <paramref name="latencyMs"/>.</summary>
        public static string[] SlowQdisc(string device, int rateKbit, int latencyMs) => new[]
        {
            "qdisc", "replace", "dev", device, "root", "tbf",
            "rate", rateKbit.ToString(CultureInfo.InvariantCulture) + "kbit", "burst", "4kb",
            "latency", latencyMs.ToString(CultureInfo.InvariantCulture) + "ms",
        };

        public static string[] ClearQdisc(string device) => new[] { "qdisc", "del", "dev", device, "root" };
    }
}
