using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The nodes hosted by this process, each owned by the session that started it. PowerShell loads the module once
    /// per process but runs many sessions in it (runspaces of [powershell]::Create(), thread jobs, ForEach-Object
    /// -Parallel): each session has its own nodes and its own default node, and its nodes stop when it closes.
    /// Start, stop and "which node" all go through here, so the cmdlets stay one call deep.
    /// </summary>
    public static class SessionNodes
    {
        private static Func<object?> s_currentOwner = () => null;

        /// <summary>The owner when the host names no session (a thread without a runspace, or xunit).</summary>
        public static object ProcessOwner { get; } = new object();

        /// <summary>The registry; each owner's default node is the last it started that still runs.</summary>
        public static NodeRegistry<HostedNode> Registry { get; } =
            new NodeRegistry<HostedNode>(h => h.Node.NodeId, h => h.Node.IsRunning, h => h.Owner, h => h.Node.StopReason);

        /// <summary>
        /// Tells the engine how to find the session the calling thread works for. The cmdlet layer passes the current
        /// runspace; null from the source means <see cref="ProcessOwner"/>.
        /// </summary>
        public static void UseOwnerSource(Func<object?> currentOwner) =>
            s_currentOwner = currentOwner ?? throw new ArgumentNullException(nameof(currentOwner));

        /// <summary>The session the calling thread works for.</summary>
        public static object CurrentOwner => s_currentOwner() ?? ProcessOwner;

        /// <summary>The current session's nodes, in start order.</summary>
        public static IReadOnlyList<DsnNode> Nodes => NodesOf(CurrentOwner);

        /// <summary>One session's nodes, in start order.</summary>
        public static IReadOnlyList<DsnNode> NodesOf(object owner) => Registry.OwnedBy(owner).Select(h => h.Node).ToList();

        /// <summary>The current session's default node, or null when it runs none.</summary>
        public static DsnNode? Default => DefaultOf(CurrentOwner);

        /// <summary>One session's default node, or null when it runs none.</summary>
        public static DsnNode? DefaultOf(object owner) => Registry.DefaultOf(owner)?.Node;

        /// <summary>The given node, or the current session's default one; see <see cref="NodeRegistry{TNode}.Resolve"/>.</summary>
        /// <exception cref="DsnCommandException">DsnNoNodeRunning, DsnNodeStopped.</exception>
        /// <exception cref="DsnIdentityInUseException">The node (or the session's last one) stopped itself: another process uses its identity.</exception>
        public static DsnNode Resolve(DsnNode? node) => Resolve(CurrentOwner, node);

        /// <summary>The given node (whoever started it), or the session's default one.</summary>
        /// <exception cref="DsnCommandException">DsnNoNodeRunning, DsnNodeStopped.</exception>
        public static DsnNode Resolve(object owner, DsnNode? node)
        {
            if (node is not null) return Registry.Resolve(owner, Find(node) ?? new HostedNode(node, owner)).Node;
            return Registry.Resolve(owner, null).Node;
        }

        /// <summary>Starts a node with its console logging and registers it as the session's new default.</summary>
        /// <exception cref="DsnCommandException">DsnNodeAlreadyRunning, and the request's own (see <see cref="NodeStartRequest.ToOptions"/>).</exception>
        public static async Task<DsnNode> StartAsync(object owner, NodeStartRequest request, CancellationToken cancellationToken)
        {
            if (owner is null) throw new ArgumentNullException(nameof(owner));
            if (request is null) throw new ArgumentNullException(nameof(request));
            var options = request.ToOptions();
            Registry.EnsureAvailable(options.NodeId, owner);
            var logging = ConsoleLogging.Create(request.LogLevel);
            var node = await DsnNode.StartAsync(options, logging, cancellationToken).ConfigureAwait(false);
            var hosted = new HostedNode(node, owner);
            try
            {
                Registry.Add(hosted);
            }
            catch
            {
                // Another session started the same NodeId meanwhile: this one must not linger unseen.
                await node.StopAsync().ConfigureAwait(false);
                throw;
            }

            return node;
        }

        /// <summary>Stops a node gracefully (peers see it Left at once) and forgets it, whichever session started it.</summary>
        public static Task StopAsync(DsnNode node, CancellationToken cancellationToken = default)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var hosted = Find(node);
            if (hosted is not null) Registry.Remove(hosted);
            return node.StopAsync(cancellationToken);
        }

        /// <summary>
        /// Stops the nodes one session started: it is closing, or it removed the module. Never throws: one node
        /// failing to stop must not keep the others running.
        /// </summary>
        public static void StopOwnedBy(object owner, TimeSpan timeoutPerNode) => Stop(Registry.TakeOwnedBy(owner), timeoutPerNode);

        /// <summary>Stops every hosted node of every session; never throws (see <see cref="StopOwnedBy"/>).</summary>
        public static void StopAll(TimeSpan timeoutPerNode) => Stop(Registry.TakeAll(), timeoutPerNode);

        private static void Stop(IEnumerable<HostedNode> nodes, TimeSpan timeoutPerNode)
        {
            foreach (var hosted in nodes)
            {
                try
                {
                    using (var cts = new CancellationTokenSource(timeoutPerNode))
                        hosted.Node.StopAsync(cts.Token).Wait(timeoutPerNode);
                }
                catch (Exception)
                {
                    // Best effort by design: see StopOwnedBy.
                }
            }
        }

        private static HostedNode? Find(DsnNode node) => Registry.All.FirstOrDefault(h => ReferenceEquals(h.Node, node));
    }
}
