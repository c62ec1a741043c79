using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.Tests.Support
{
    /// <summary>
    /// Starts real nodes on 127.0.0.1 with ephemeral ports and in-memory identities, and stops them all at the
    /// end of a test. Timings are shortened so failure tests finish quickly; the logic is the production one.
    /// </summary>
    public sealed class TestCluster : IAsyncDisposable
    {
        private readonly List<DsnNode> _nodes = new List<DsnNode>();

        public TestCluster(DsnNetworkKey? key = null) => Key = key ?? DsnNetworkKey.Generate();

        public DsnNetworkKey Key { get; }

        public IReadOnlyList<DsnNode> Nodes => _nodes;

        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

        public DsnNodeOptions Options(string nodeId, params DsnNode[] bootstrap)
        {
            var options = new DsnNodeOptions
            {
                NodeId = nodeId,
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = Key,
                PersistIdentity = false,
                JoinTimeout = TimeSpan.FromSeconds(5),
            };
            foreach (var node in bootstrap)
                options.BootstrapNodes.Add(new DsnEndpoint("127.0.0.1", node.LocalEndPoint.Port));
            return options;
        }

        public Task<DsnNode> StartAsync(string nodeId, params DsnNode[] bootstrap) => StartAsync(Options(nodeId, bootstrap));

        public async Task<DsnNode> StartAsync(DsnNodeOptions options)
        {
            var node = await DsnNode.StartAsync(options);
            lock (_nodes)
                _nodes.Add(node);
            return node;
        }

        /// <summary>Waits until every running node lists exactly the given members as Alive.</summary>
        public async Task WaitForMembershipAsync(IEnumerable<DsnNode> nodes, IEnumerable<string> expected)
        {
            var want = expected.OrderBy(x => x, StringComparer.Ordinal).ToList();
            foreach (var node in nodes)
            {
                await Eventually.HoldsAsync(() =>
                {
                    var alive = node.GetPeers().Where(p => p.Status == DsnPeerStatus.Alive).Select(p => p.NodeId).OrderBy(x => x, StringComparer.Ordinal).ToList();
                    return alive.SequenceEqual(want);
                }, $"{node.NodeId} sees exactly [{string.Join(",", want)}] alive; it sees [{string.Join(",", node.GetPeers().Select(p => p.NodeId + ":" + p.Status))}]");
            }
        }

        public async ValueTask DisposeAsync()
        {
            List<DsnNode> nodes;
            lock (_nodes)
                nodes = _nodes.ToList();
            await Task.WhenAll(nodes.Select(n => n.StopAsync()));
        }
    }
}
