using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The nodes hosted by this PowerShell process (one module instance per process, shared by its runspaces).
    /// Start, stop and "which node" all go through here, so the cmdlets stay one call deep.
    /// </summary>
    public static class SessionNodes
    {
        /// <summary>The registry; the default node is the last started that still runs.</summary>
        public static NodeRegistry<HostedNode> Registry { get; } =
            new NodeRegistry<HostedNode>(h => h.Node.NodeId, h => h.Node.IsRunning);

        /// <summary>Every hosted node, in start order.</summary>
        public static IReadOnlyList<DsnNode> Nodes => Registry.All.Select(h => h.Node).ToList();

        /// <summary>The default node, or null when none runs.</summary>
        public static DsnNode? Default => Registry.Default?.Node;

        /// <summary>The given node, or the default one; see <see cref="NodeRegistry{TNode}.Resolve"/>.</summary>
        /// <exception cref="DsnCommandException">DsnNoNodeRunning, DsnNodeStopped.</exception>
        public static DsnNode Resolve(DsnNode? node)
        {
            if (node is not null) return Registry.Resolve(Find(node) ?? new HostedNode(node)).Node;
            return Registry.Resolve(null).Node;
        }

        /// <summary>Starts a node with its console logging and registers it as the new default.</summary>
        public static async Task<DsnNode> StartAsync(NodeStartRequest request, CancellationToken cancellationToken)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            var options = request.ToOptions();
            Registry.EnsureAvailable(options.NodeId);
            var logging = ConsoleLogging.Create(request.LogLevel);
            var node = await DsnNode.StartAsync(options, logging, cancellationToken).ConfigureAwait(false);
            var hosted = new HostedNode(node);
            try
            {
                Registry.Add(hosted);
            }
            catch
            {
                // Another runspace started the same NodeId meanwhile: this one must not linger unseen.
                await StopAsync(hosted).ConfigureAwait(false);
                throw;
            }

            return node;
        }

        /// <summary>Stops a node gracefully (peers see it Left at once) and forgets it.</summary>
        public static Task StopAsync(DsnNode node, CancellationToken cancellationToken = default)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var hosted = Find(node) ?? new HostedNode(node);
            Registry.Remove(hosted);
            return StopAsync(hosted, cancellationToken);
        }

        /// <summary>
        /// Stops every hosted node: the module is being removed (or the process exits). Never throws: one node
        /// failing to stop must not keep the others running.
        /// </summary>
        public static void StopAll(TimeSpan timeoutPerNode)
        {
            foreach (var hosted in Registry.TakeAll())
            {
                try
                {
                    using (var cts = new CancellationTokenSource(timeoutPerNode))
                        StopAsync(hosted, cts.Token).Wait(timeoutPerNode);
                }
                catch (Exception)
                {
                    // Best effort by design: see the summary.
                }
            }
        }

        private static HostedNode? Find(DsnNode node) => Registry.All.FirstOrDefault(h => ReferenceEquals(h.Node, node));

        private static Task StopAsync(HostedNode hosted, CancellationToken cancellationToken = default) =>
            hosted.Node.StopAsync(cancellationToken);
    }
}
