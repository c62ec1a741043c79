using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The nodes a process hosts, each owned by the session that started it (in PowerShell, a runspace), and which
    /// one a command uses when none is named: the last started by the same owner that is still running. A NodeId
    /// runs at most once per process whatever its owner: it names one member of a network and one identity file.
    /// Generic over the node and with opaque owners so the rules are tested without sockets or PowerShell.
    /// Thread-safe: completers, runspace closing and module removal may run on other threads than the pipeline.
    /// </summary>
    public sealed class NodeRegistry<TNode> where TNode : class
    {
        private readonly object _gate = new object();
        private readonly List<TNode> _nodes = new List<TNode>();
        private readonly Func<TNode, string> _nodeId;
        private readonly Func<TNode, bool> _isRunning;
        private readonly Func<TNode, object> _owner;
        private readonly Func<TNode, Exception?> _stopReason;

        /// <summary>Creates an empty registry.</summary>
        /// <param name="nodeId">The NodeId of a node.</param>
        /// <param name="isRunning">Whether a node still runs (a node may be stopped outside the registry, for example by $node.Dispose()).</param>
        /// <param name="owner">The session that started a node; compared by reference.</param>
        /// <param name="stopReason">
        /// Why a stopped node stopped by itself (<see cref="DsnNode.StopReason"/>), or null: resolving it throws that
        /// error, so the user reads the cause (another process uses its identity) rather than just "stopped".
        /// </param>
        public NodeRegistry(Func<TNode, string> nodeId, Func<TNode, bool> isRunning, Func<TNode, object> owner, Func<TNode, Exception?>? stopReason = null)
        {
            _nodeId = nodeId ?? throw new ArgumentNullException(nameof(nodeId));
            _isRunning = isRunning ?? throw new ArgumentNullException(nameof(isRunning));
            _owner = owner ?? throw new ArgumentNullException(nameof(owner));
            _stopReason = stopReason ?? (_ => null);
        }

        /// <summary>Every registered node of every owner, in start order, running or not.</summary>
        public IReadOnlyList<TNode> All
        {
            get { lock (_gate) return _nodes.ToList(); }
        }

        /// <summary>The nodes one owner started, in start order, running or not (a stopped one stays visible until Stop-DsnNode removes it).</summary>
        public IReadOnlyList<TNode> OwnedBy(object owner)
        {
            lock (_gate) return _nodes.Where(n => IsOwnedBy(n, owner)).ToList();
        }

        /// <summary>Fails if a running node of any owner already has the NodeId.</summary>
        /// <param name="nodeId">The NodeId about to start.</param>
        /// <param name="owner">The session asking, so the message can say where the other node runs.</param>
        /// <exception cref="DsnCommandException">DsnNodeAlreadyRunning.</exception>
        public void EnsureAvailable(string nodeId, object owner)
        {
            lock (_gate)
            {
                var running = _nodes.FirstOrDefault(n => IsSameId(n, nodeId) && _isRunning(n));
                if (running is null) return;
                var where = IsOwnedBy(running, owner) ? "in this session" : "in another session (runspace) of this process";
                throw new DsnCommandException("DsnNodeAlreadyRunning", DsnErrorCategory.ResourceExists,
                    $"A node named '{nodeId}' already runs {where}. Stop it first (Stop-DsnNode -NodeId {nodeId}) or choose another NodeId.", nodeId);
            }
        }

        /// <summary>Registers a started node; it becomes its owner's default. A stopped node of the same NodeId and owner is replaced.</summary>
        /// <exception cref="DsnCommandException">DsnNodeAlreadyRunning.</exception>
        public void Add(TNode node)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var nodeId = _nodeId(node);
            var owner = _owner(node);
            lock (_gate)
            {
                EnsureAvailable(nodeId, owner);
                _nodes.RemoveAll(n => IsSameId(n, nodeId) && IsOwnedBy(n, owner));
                _nodes.Add(node);
            }
        }

        /// <summary>Forgets a node; false if it was not registered.</summary>
        public bool Remove(TNode node)
        {
            lock (_gate) return _nodes.Remove(node);
        }

        /// <summary>Forgets every node of every owner and returns them, newest first (the order to stop them in).</summary>
        public IReadOnlyList<TNode> TakeAll() => Take(_ => true);

        /// <summary>Forgets the nodes of one owner and returns them, newest first: that session is closing.</summary>
        public IReadOnlyList<TNode> TakeOwnedBy(object owner) => Take(n => IsOwnedBy(n, owner));

        /// <summary>The node an owner's commands use when none is named: the last it started that still runs, or null.</summary>
        public TNode? DefaultOf(object owner)
        {
            lock (_gate) return _nodes.LastOrDefault(n => IsOwnedBy(n, owner) && _isRunning(n));
        }

        /// <summary>The given node (of any owner), or the owner's default one.</summary>
        /// <exception cref="DsnCommandException">DsnNoNodeRunning when none is given and the owner runs none; DsnNodeStopped when the given one has stopped.</exception>
        /// <exception cref="Exception">The stop reason of the given node, or of the owner's last started one when none runs, if it stopped by itself.</exception>
        public TNode Resolve(object owner, TNode? explicitNode)
        {
            if (explicitNode is not null)
            {
                if (!_isRunning(explicitNode))
                    throw _stopReason(explicitNode) ?? new DsnCommandException("DsnNodeStopped", DsnErrorCategory.InvalidOperation,
                        $"The node '{_nodeId(explicitNode)}' has stopped. Start it again with Start-DsnNode.", explicitNode);
                return explicitNode;
            }

            var found = DefaultOf(owner);
            if (found is not null) return found;
            var last = OwnedBy(owner).LastOrDefault();
            throw (last is null ? null : _stopReason(last)) ?? new DsnCommandException("DsnNoNodeRunning", DsnErrorCategory.ResourceUnavailable,
                "No node runs in this session. Start one with Start-DsnNode, or pass one with -Node.");
        }

        private IReadOnlyList<TNode> Take(Func<TNode, bool> selected)
        {
            lock (_gate)
            {
                var taken = Enumerable.Reverse(_nodes).Where(selected).ToList();
                _nodes.RemoveAll(n => selected(n));
                return taken;
            }
        }

        private bool IsOwnedBy(TNode node, object owner) => ReferenceEquals(_owner(node), owner);

        private bool IsSameId(TNode node, string nodeId) => DsnNames.SameNodeId(_nodeId(node), nodeId);
    }
}
