using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// The run's private network: a hub namespace holding a bridge, and one namespace per node joined to it by a veth
    /// pair (eth0 in the node, v&lt;id&gt; on the bridge), addresses 10.213.0.11… on 10.213.0.0/24. Both ends of every
    /// veth are created directly inside the run's namespaces, so nothing appears in the machine's own namespace, and the
    /// names carry the controller's pid and a run number, so parallel runs never collide. Deleting the namespaces
    /// deletes the veths; a run that was killed before it could is swept by the next run.
    /// </summary>
    internal sealed class NetworkLab : IAsyncDisposable
    {
        public const string Prefix = "dsj";

        private readonly List<string> _created = new List<string>();

        public NetworkLab(string name, IReadOnlyList<string> nodes)
        {
            Name = name;
            Nodes = nodes;
        }

        /// <summary>For example dsj4242x1: prefix, controller pid, x, run number.</summary>
        public string Name { get; }

        public IReadOnlyList<string> Nodes { get; }

        public string Hub => Name + "h";

        public static string RunName(int runNumber) => $"{Prefix}{Environment.ProcessId}x{runNumber}";

        public string NamespaceOf(string node) => Name + node;

        public IPAddress AddressOf(string node) => IPAddress.Parse($"10.213.0.{11 + IndexOf(node)}");

        public string HubPortOf(string node) => "v" + node;

        public async Task CreateAsync()
        {
            await AddNamespaceAsync(Hub).ConfigureAwait(false);
            await Ip("-n", Hub, "link", "add", "br0", "type", "bridge").ConfigureAwait(false);
            await Ip("-n", Hub, "link", "set", "br0", "up").ConfigureAwait(false);
            foreach (var node in Nodes)
            {
                var ns = NamespaceOf(node);
                await AddNamespaceAsync(ns).ConfigureAwait(false);
                await Ip("-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
                await Ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", HubPortOf(node), "netns", Hub).ConfigureAwait(false);
                await Ip("-n", ns, "addr", "add", AddressOf(node) + "/24", "dev", "eth0").ConfigureAwait(false);
                await Ip("-n", ns, "link", "set", "eth0", "up").ConfigureAwait(false);
                await Ip("-n", Hub, "link", "set", HubPortOf(node), "master", "br0").ConfigureAwait(false);
                await Ip("-n", Hub, "link", "set", HubPortOf(node), "up").ConfigureAwait(false);
            }
        }

        /// <summary>Runs a tool inside a namespace of this run.</summary>
        public Task<string> InNamespaceAsync(string ns, string file, IEnumerable<string> args, string? input = null) =>
            Shell.CheckedAsync("ip", new[] { "netns", "exec", ns, file }.Concat(args).ToArray(), input);

        /// <summary>Deletes the namespaces (their veths go with them). Processes must have been killed first.</summary>
        public async ValueTask DisposeAsync()
        {
            foreach (var ns in Enumerable.Reverse(_created))
                await Shell.RunAsync("ip", new[] { "netns", "del", ns }).ConfigureAwait(false);
            _created.Clear();
        }

        /// <summary>
        /// Deletes the namespaces of runs whose controller is no longer alive (killed before it could clean up), and
        /// kills what still runs in them (a node left frozen by a killed controller never exits by itself).
        /// </summary>
        public static async Task<IReadOnlyList<string>> SweepStaleAsync()
        {
            var list = await Shell.RunAsync("ip", new[] { "netns", "list" }).ConfigureAwait(false);
            var swept = new List<string>();
            foreach (var line in list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var name = line.Split(' ')[0];
                if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                    continue;
                var digits = new string(name.Substring(Prefix.Length).TakeWhile(char.IsDigit).ToArray());
                if (digits.Length == 0 || ControllerAlive(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)))
                    continue;
                var pids = await Shell.RunAsync("ip", new[] { "netns", "pids", name }).ConfigureAwait(false);
                foreach (var pid in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    Posix.Signal(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture), Posix.SigKill);
                await Shell.RunAsync("ip", new[] { "netns", "del", name }).ConfigureAwait(false);
                swept.Add(name);
            }

            return swept;
        }

        private static bool ControllerAlive(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Contains("DistributedState.Jepsen", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return true;
            }
        }

        private int IndexOf(string node)
        {
            for (var i = 0; i < Nodes.Count; i++)
            {
                if (Nodes[i] == node)
                    return i;
            }

            throw new ArgumentException($"'{node}' is not a node of this run.", nameof(node));
        }

        private async Task AddNamespaceAsync(string ns)
        {
            await Ip("netns", "add", ns).ConfigureAwait(false);
            _created.Add(ns);
        }

        private static Task<string> Ip(params string[] args) => Shell.CheckedAsync("ip", args);
    }
}
