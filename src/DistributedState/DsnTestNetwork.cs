using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Logging;
using DistributedState.Transport.FaultInjection;

namespace DistributedState
{
    /// <summary>
    /// A network of real nodes in this process, joined over the runtime's fault-injection transport instead of
    /// sockets, for testing what scripts do when members fail: partition it, heal it, make links lossy or slow, freeze
    /// a node (it stops answering, as under SIGSTOP) and thaw it, or crash one (gone without a leave). The nodes are
    /// ordinary <see cref="DsnNode"/>s — read, write, subscribe to their events — and failure detection runs at its
    /// usual speed, so "my alert fires when node2 fails" takes seconds. Which frames a lossy link drops follows
    /// <see cref="Seed"/>, so a run with the same seed and the same actions sees the same losses (the nodes' own timing
    /// still varies a little).
    /// </summary>
    public sealed class DsnTestNetwork : IDisposable
    {
        private readonly List<DsnNode> _nodes;
        private readonly HashSet<string> _frozen = new HashSet<string>(NameRules.NodeIdComparer);

        private DsnTestNetwork(FaultInjectionNetwork network, List<DsnNode> nodes)
        {
            Network = network;
            _nodes = nodes;
        }

        /// <summary>The seed of the fault schedule; pass it back in <see cref="DsnTestNetworkOptions.Seed"/> to replay it.</summary>
        public int Seed => Network.Seed;

        /// <summary>The nodes, in start order (crashed ones included, stopped).</summary>
        public IReadOnlyList<DsnNode> Nodes => _nodes;

        /// <summary>The fault-injection network underneath, for faults this class has no method for.</summary>
        public FaultInjectionNetwork Network { get; }

        /// <summary>Starts the nodes; each joins through the first. Returns once all have started.</summary>
        /// <exception cref="DsnArgumentException">A count, prefix, loss or delay out of range.</exception>
        public static async Task<DsnTestNetwork> StartAsync(DsnTestNetworkOptions options, IDsnLogSink? log = null, CancellationToken cancellationToken = default)
        {
            if (options is null)
                throw new ArgumentNullException(nameof(options));
            Validate(options);
            var network = options.Seed is int seed ? new FaultInjectionNetwork(seed) : new FaultInjectionNetwork();
            network.DefaultFaults = new LinkFaults { DropProbability = options.Loss, Delay = options.Delay };
            var key = DsnNetworkKey.Generate();
            var nodes = new List<DsnNode>();
            try
            {
                for (var i = 1; i <= options.Count; i++)
                {
                    var nodeId = options.NodeIdPrefix + i.ToString(CultureInfo.InvariantCulture);
                    var nodeOptions = new DsnNodeOptions { NodeId = nodeId, NetworkKey = key, Port = 0, PersistIdentity = false };
                    network.AddHost(nodeId).Configure(nodeOptions);
                    if (nodes.Count > 0)
                        nodeOptions.BootstrapNodes.Add(network.GetHost(nodes[0].NodeId).EndPoint(nodes[0].LocalEndPoint.Port));
                    options.Configure?.Invoke(nodeOptions);
                    nodes.Add(await DsnNode.StartAsync(nodeOptions, log, cancellationToken).ConfigureAwait(false));
                }
            }
            catch
            {
                await Task.WhenAll(nodes.Select(n => n.StopAsync())).ConfigureAwait(false);
                network.Dispose();
                throw;
            }

            return new DsnTestNetwork(network, nodes);
        }

        /// <summary>The node with that NodeId.</summary>
        /// <exception cref="DsnNodeNotFoundException">The network has no such node.</exception>
        public DsnNode this[string nodeId] =>
            _nodes.FirstOrDefault(n => NameRules.SameNodeId(n.NodeId, nodeId)) ?? throw new DsnNodeNotFoundException(nodeId);

        /// <summary>
        /// Splits the network into groups of NodeIds that hear only each other; nodes named in no group keep every
        /// link. Replaces an earlier partition.
        /// </summary>
        /// <exception cref="DsnArgumentException">Fewer than two groups, or a NodeId in two groups.</exception>
        /// <exception cref="DsnNodeNotFoundException">A NodeId the network does not have.</exception>
        public void Partition(params IEnumerable<string>[] groups)
        {
            var named = groups?.Select(g => g?.Select(id => this[id].NodeId).ToList() ?? throw Invalid("A group is null.", nameof(groups))).ToArray();
            if (named is null || named.Length < 2)
                throw Invalid("A partition needs at least two groups of NodeIds.", nameof(groups));
            var twice = named.SelectMany(g => g).GroupBy(id => id, NameRules.NodeIdComparer).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
                throw Invalid($"'{twice.Key}' is named in more than one group.", nameof(groups));
            Network.Partition(named);
        }

        /// <summary>Ends every partition and cut; link loss and delay stay (see <see cref="SetLinkFaults"/>).</summary>
        public void Heal() => Network.Heal();

        /// <summary>
        /// Makes the links of a node lossy or slow: to <paramref name="otherNodeId"/> only, or to every other node when
        /// it is null. Loss 0 and no delay make them healthy again.
        /// </summary>
        /// <exception cref="DsnArgumentException">Loss outside 0–1, or a delay outside 0–1 minute.</exception>
        /// <exception cref="DsnNodeNotFoundException">A NodeId the network does not have.</exception>
        public void SetLinkFaults(string nodeId, string? otherNodeId, double loss, TimeSpan delay)
        {
            ValidateFaults(loss, delay);
            var node = this[nodeId].NodeId;
            var others = otherNodeId is null ? _nodes.Select(n => n.NodeId).Where(id => !NameRules.SameNodeId(id, node)) : new[] { this[otherNodeId].NodeId };
            foreach (var other in others)
                Network.SetFaults(node, other, new LinkFaults { DropProbability = loss, Delay = delay });
        }

        /// <summary>Freezes a node: it stops answering and sending, as a process under SIGSTOP, until <see cref="Thaw"/>.</summary>
        public void Freeze(string nodeId)
        {
            var node = this[nodeId];
            lock (_frozen)
            {
                if (_frozen.Add(node.NodeId))
                    node.Freeze();
            }
        }

        /// <summary>Thaws a frozen node: it answers again and refutes any suspicion of itself.</summary>
        public void Thaw(string nodeId)
        {
            var node = this[nodeId];
            lock (_frozen)
            {
                if (_frozen.Remove(node.NodeId))
                    node.Thaw();
            }
        }

        /// <summary>Crashes a node: its connections drop without a leave, so the others detect it as Failed.</summary>
        public Task CrashAsync(string nodeId)
        {
            var node = this[nodeId];
            Thaw(node.NodeId);
            return node.CrashAsync();
        }

        /// <summary>Stops every node gracefully, then the network.</summary>
        public async Task StopAsync()
        {
            lock (_frozen)
            {
                foreach (var id in _frozen.ToList())
                    this[id].Thaw();
                _frozen.Clear();
            }

            Network.Heal();
            await Task.WhenAll(_nodes.Select(n => n.StopAsync())).ConfigureAwait(false);
            Network.Dispose();
        }

        /// <summary>Stops every node and the network (see <see cref="StopAsync"/>).</summary>
        public void Dispose() => StopAsync().GetAwaiter().GetResult();

        private static void Validate(DsnTestNetworkOptions options)
        {
            if (options.Count < 1 || options.Count > 64)
                throw Invalid($"A test network has 1 to 64 nodes; {options.Count} were asked for.", nameof(options.Count));
            var problem = DsnNames.NodeIdProblem((options.NodeIdPrefix ?? string.Empty) + options.Count.ToString(CultureInfo.InvariantCulture));
            if (problem is not null)
                throw new DsnArgumentException(DsnArgument.NodeId, "The NodeId prefix does not make valid NodeIds: " + problem, nameof(options.NodeIdPrefix));
            ValidateFaults(options.Loss, options.Delay);
        }

        private static void ValidateFaults(double loss, TimeSpan delay)
        {
            if (double.IsNaN(loss) || loss < 0 || loss > 1)
                throw Invalid($"Loss is a probability from 0 to 1; {loss.ToString(CultureInfo.InvariantCulture)} was given.", "loss");
            if (delay < TimeSpan.Zero || delay > TimeSpan.FromMinutes(1))
                throw Invalid($"A link delay is from 0 to 1 minute; {delay} was given.", "delay");
        }

        private static DsnArgumentException Invalid(string message, string paramName) => new DsnArgumentException(DsnArgument.Option, message, paramName);
    }
}
