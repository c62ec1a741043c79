using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Node
{
    /// <summary>
    /// What one node process is told on its command line. The controller builds it and renders it with
    /// <see cref="ToArguments"/>; the node parses it back with <see cref="Parse"/>: one definition, so the two never differ.
    /// </summary>
    internal sealed class NodeSettings
    {
        public string NodeId { get; init; } = "";

        public IPAddress Address { get; init; } = IPAddress.Loopback;

        public int Port { get; init; } = 7946;

        public string KeyPath { get; init; } = "";

        public string IdentityPath { get; init; } = "";

        /// <summary>Members to join through, in order; empty for the node that starts the network.</summary>
        public IReadOnlyList<DsnEndpoint> Bootstrap { get; init; } = Array.Empty<DsnEndpoint>();

        /// <summary>The other members, addressees of direct messages.</summary>
        public IReadOnlyList<string> Peers { get; init; } = Array.Empty<string>();

        /// <summary>Which process of this NodeId this is: 0 first, then one more per restart. Part of every value written.</summary>
        public int Run { get; init; }

        /// <summary>Seeds the workload (which keys, removals, addressees); with the NodeId and run it makes each process's draws its own.</summary>
        public long Seed { get; init; }

        /// <summary>When true the workload waits for the controller's <c>go</c>; a restarted node resumes writing at once.</summary>
        public bool Hold { get; init; }

        public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(100);

        public TimeSpan MessageInterval { get; init; } = TimeSpan.FromSeconds(1);

        /// <summary>How many distinct keys the node writes (k0 … k{Keys-1}).</summary>
        public int Keys { get; init; } = 8;

        public static NodeSettings Parse(IReadOnlyList<string> argv)
        {
            var args = new Arguments(argv, "hold");
            var settings = new NodeSettings
            {
                NodeId = args.Required("id"),
                Address = IPAddress.Parse(args.Required("address")),
                Port = (int)args.Number("port", 7946),
                KeyPath = args.Required("key"),
                IdentityPath = args.Required("identity"),
                Bootstrap = Split(args.Text("bootstrap")).Select(ParseEndpoint).ToArray(),
                Peers = Split(args.Text("peers")).ToArray(),
                Run = (int)args.Number("run", 0),
                Seed = args.Number("seed", 0),
                Hold = args.Flag("hold"),
                WriteInterval = TimeSpan.FromMilliseconds(args.Number("write-interval-ms", 100)),
                MessageInterval = TimeSpan.FromMilliseconds(args.Number("message-interval-ms", 1000)),
                Keys = (int)args.Number("keys", 8),
            };
            args.RejectUnknown();
            return settings;
        }

        public IReadOnlyList<string> ToArguments()
        {
            var args = new List<string>
            {
                "--id", NodeId, "--address", Address.ToString(), "--port", Text(Port), "--key", KeyPath, "--identity", IdentityPath,
                "--run", Text(Run), "--seed", Text(Seed), "--write-interval-ms", Text((long)WriteInterval.TotalMilliseconds),
                "--message-interval-ms", Text((long)MessageInterval.TotalMilliseconds), "--keys", Text(Keys),
            };
            if (Bootstrap.Count > 0)
                args.AddRange(new[] { "--bootstrap", string.Join(",", Bootstrap.Select(b => $"{b.Host}:{b.Port}")) });
            if (Peers.Count > 0)
                args.AddRange(new[] { "--peers", string.Join(",", Peers) });
            if (Hold)
                args.Add("--hold");
            return args;
        }

        public DsnNodeOptions ToOptions()
        {
            var options = new DsnNodeOptions
            {
                NodeId = NodeId,
                BindAddress = Address,
                AdvertiseAddress = Address.ToString(),
                Port = Port,
                NetworkKey = DsnNetworkKey.Load(KeyPath),
                IdentityPath = IdentityPath,
                PersistIdentity = true,
                // A node restarted inside a minority, or whose first bootstrap is the crashed one, keeps trying.
                RetryJoinInBackground = true,
                RetryJoinInterval = TimeSpan.FromSeconds(1),
            };
            foreach (var endpoint in Bootstrap)
                options.BootstrapNodes.Add(endpoint);
            return options;
        }

        private static IEnumerable<string> Split(string? list) =>
            (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        private static DsnEndpoint ParseEndpoint(string text)
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                throw new ArgumentException($"'{text}' is not host:port.");
            return new DsnEndpoint(text.Substring(0, colon), port);
        }

        private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
