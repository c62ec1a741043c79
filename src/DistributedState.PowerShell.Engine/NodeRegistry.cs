using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The nodes a session hosts, in start order, and which one a command uses when none is named: the last
    /// started that is still running. Generic over the node so the rules are tested without sockets.
    /// Thread-safe: completers and module removal may run on other threads than the pipeline.
    /// </summary>
    public sealed class NodeRegistry<TNode> where TNode : class
    {
        private readonly object _gate = new object();
        private readonly List<TNode> _nodes = new List<TNode>();
        private readonly Func<TNode, string> _nodeId;
        private readonly Func<TNode, bool> _isRunning;

        /// <summary>Creates an empty registry.</summary>
        /// <param name="nodeId">The NodeId of a node.</param>
        /// <param name="isRunning">Whether a node still runs (a node may be stopped outside the registry, for example by $node.Dispose()).</param>
        public NodeRegistry(Func<TNode, string> nodeId, Func<TNode, bool> isRunning)
        {
            _nodeId = nodeId ?? throw new ArgumentNullException(nameof(nodeId));
            _isRunning = isRunning ?? throw new ArgumentNullException(nameof(isRunning));
        }

        /// <summary>Every registered node, in start order, running or not (a stopped one stays visible until Stop-DsnNode removes it).</summary>
        public IReadOnlyList<TNode> All
        {
            get { lock (_gate) return _nodes.ToList(); }
        }

        /// <summary>Fails if a running node already has the NodeId; a NodeId is unique in a network, so also in a session.</summary>
        /// <exception cref="DsnCommandException">DsnNodeAlreadyRunning.</exception>
        public void EnsureAvailable(string nodeId)
        {
            lock (_gate)
            {
                if (_nodes.Any(n => IsSameId(n, nodeId) && _isRunning(n)))
                    throw new DsnCommandException("DsnNodeAlreadyRunning", DsnErrorCategory.ResourceExists,
                        $"A node named '{nodeId}' already runs in this session. Stop it first (Stop-DsnNode -NodeId {nodeId}) or choose another NodeId.", nodeId);
            }
        }

        /// <summary>Registers a started node; it becomes the default. A stopped node of the same NodeId is replaced.</summary>
        /// <exception cref="DsnCommandException">DsnNodeAlreadyRunning.</exception>
        public void Add(TNode node)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var nodeId = _nodeId(node);
            lock (_gate)
            {
                EnsureAvailable(nodeId);
                _nodes.RemoveAll(n => IsSameId(n, nodeId));
                _nodes.Add(node);
            }
        }

        /// <summary>Forgets a node; false if it was not registered.</summary>
        public bool Remove(TNode node)
        {
            lock (_gate) return _nodes.Remove(node);
        }

        /// <summary>Forgets every node and returns them, newest first (the order to stop them in).</summary>
        public IReadOnlyList<TNode> TakeAll()
        {
            lock (_gate)
            {
                var all = Enumerable.Reverse(_nodes).ToList();
                _nodes.Clear();
                return all;
            }
        }

        /// <summary>The node commands use when none is named: the last started that still runs, or null.</summary>
        public TNode? Default
        {
            get
            {
                lock (_gate) return _nodes.LastOrDefault(_isRunning);
            }
        }

        /// <summary>The given node, or the default one.</summary>
        /// <exception cref="DsnCommandException">DsnNoNodeRunning when none is given and none runs; DsnNodeStopped when the given one has stopped.</exception>
        public TNode Resolve(TNode? explicitNode)
        {
            if (explicitNode is not null)
            {
                if (!_isRunning(explicitNode))
                    throw new DsnCommandException("DsnNodeStopped", DsnErrorCategory.InvalidOperation,
                        $"The node '{_nodeId(explicitNode)}' has stopped. Start it again with Start-DsnNode.", explicitNode);
                return explicitNode;
            }

            return Default ?? throw new DsnCommandException("DsnNoNodeRunning", DsnErrorCategory.ResourceUnavailable,
                "No node runs in this session. Start one with Start-DsnNode, or pass one with -Node.");
        }

        private bool IsSameId(TNode node, string nodeId) => string.Equals(_nodeId(node), nodeId, StringComparison.OrdinalIgnoreCase);
    }
}
