using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>The network faults in force, applied to the kernel: nft rules per node namespace, tbf on slowed links.</summary>
    internal sealed class NetworkFaults
    {
        private readonly NetworkLab _lab;
        private readonly HashSet<(string From, string To)> _dropped = new HashSet<(string, string)>();
        private readonly List<LossyLink> _lossy = new List<LossyLink>();
        private readonly List<SlowLink> _slow = new List<SlowLink>();
        private readonly Dictionary<string, string> _applied = new Dictionary<string, string>();

        public NetworkFaults(NetworkLab lab) => _lab = lab;

        public async Task AddAsync(Fault fault)
        {
            switch (fault)
            {
                case Partition partition:
                    _dropped.UnionWith(partition.DroppedPairs());
                    await ApplyRulesAsync().ConfigureAwait(false);
                    break;
                case Loss loss:
                    _lossy.AddRange(loss.Links);
                    await ApplyRulesAsync().ConfigureAwait(false);
                    break;
                case SlowLink slow:
                    _slow.Add(slow);
                    await Task.WhenAll(
                        _lab.InNamespaceAsync(_lab.NamespaceOf(slow.Node), "tc", LinkRules.SlowQdisc("eth0", slow.RateKbit, slow.LatencyMs)),
                        _lab.InNamespaceAsync(_lab.Hub, "tc", LinkRules.SlowQdisc(_lab.HubPortOf(slow.Node), slow.RateKbit, slow.LatencyMs))).ConfigureAwait(false);
                    break;
            }
        }

        /// <summary>Removes every network fault.</summary>
        public async Task HealAsync()
        {
            _dropped.Clear();
            _lossy.Clear();
            await ApplyRulesAsync().ConfigureAwait(false);
            await Task.WhenAll(_slow.SelectMany(slow => new[]
            {
                Shell.RunAsync("ip", new[] { "netns", "exec", _lab.NamespaceOf(slow.Node), "tc" }.Concat(LinkRules.ClearQdisc("eth0"))),
                Shell.RunAsync("ip", new[] { "netns", "exec", _lab.Hub, "tc" }.Concat(LinkRules.ClearQdisc(_lab.HubPortOf(slow.Node)))),
            })).ConfigureAwait(false);

            _slow.Clear();
        }

        /// <summary>
        /// Writes the ruleset of every namespace whose rules changed (never-touched namespaces with no rules are left
        /// alone), all at once: on a loaded machine one nft after the other would spread a partition over seconds.
        /// </summary>
        private async Task ApplyRulesAsync()
        {
            var changes = new List<(string Node, string Rules)>();
            foreach (var node in _lab.Nodes)
            {
                var rules = LinkRules.Render(node, _dropped, _lossy, _lab.AddressOf);
                var previous = _applied.TryGetValue(node, out var p) ? p : null;
                if (rules == previous || (previous is null && !_dropped.Any(d => d.To == node) && !_lossy.Any(l => l.A == node || l.B == node)))
                    continue;
                changes.Add((node, rules));
            }

            await Task.WhenAll(changes.Select(c => _lab.InNamespaceAsync(_lab.NamespaceOf(c.Node), "nft", new[] { "-f", "-" }, c.Rules))).ConfigureAwait(false);
            foreach (var (node, rules) in changes)
                _applied[node] = rules;
        }
    }
}
