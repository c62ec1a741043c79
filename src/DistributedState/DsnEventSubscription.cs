using System;
using System.Threading.Tasks;
using DistributedState.Events;
using DistributedState.Internal;
using DistributedState.Logging;

namespace DistributedState
{
    /// <summary>
    /// A node's events, filtered (<see cref="DsnEventFilter"/>) before they are queued, with a queue of its own. For a
    /// console that watches a few keys of a busy network: subscribe to this object's events (in PowerShell with
    /// <c>Register-ObjectEvent</c>) instead of the node's, and only matching events reach the handlers — and so
    /// PowerShell's event queue, which has no bound of its own. When handlers fall behind by more than
    /// <see cref="QueueCapacity"/> events, further ones are dropped and counted in <see cref="Dropped"/>. Events are
    /// raised in order on the subscription's own thread, with the node as sender. Dispose to stop receiving;
    /// stopping the node ends every subscription once its queue is raised.
    /// </summary>
    public sealed class DsnEventSubscription : IDisposable
    {
        private readonly Counters _counters = new Counters();
        private readonly EventDispatcher _events;
        private readonly DsnEventFilter _filter;
        private readonly Action<DsnEventSubscription> _unsubscribe;

        internal DsnEventSubscription(DsnNode node, DsnEventFilter filter, int queueCapacity, NodeLog logger, Action<DsnEventSubscription> unsubscribe)
        {
            Node = node;
            _filter = filter.Copy(); // later changes to the caller's filter do not race the node's checks
            QueueCapacity = queueCapacity;
            _unsubscribe = unsubscribe;
            _events = new EventDispatcher(node, node.NodeId + " subscription", queueCapacity, logger, _counters);
        }

        /// <summary>The node whose events these are.</summary>
        public DsnNode Node { get; }

        /// <summary>The kinds of event received.</summary>
        public DsnEventKinds Kinds => _filter.Kinds;

        /// <summary>How many events may wait for the handlers before further ones are dropped.</summary>
        public int QueueCapacity { get; }

        /// <summary>Events that matched and were raised to the handlers.</summary>
        public long Raised => Count("events.raised");

        /// <summary>Events that matched but were dropped because the handlers were more than <see cref="QueueCapacity"/> behind.</summary>
        public long Dropped => Count("events.dropped");

        /// <summary>Handler calls that threw (each is logged once per handler).</summary>
        public long HandlerFaults => Count("events.handler.faults");

        /// <summary>True until disposed or until the node stops.</summary>
        public bool IsActive { get; private set; } = true;

        /// <summary>A matching member joined, or was learned of for the first time.</summary>
        public event EventHandler<DsnPeerEventArgs>? PeerJoined;

        /// <summary>A matching member's status changed.</summary>
        public event EventHandler<DsnPeerStatusEventArgs>? PeerStatusChanged;

        /// <summary>A matching key of a matching member's state was set or removed.</summary>
        public event EventHandler<DsnStateChangedEventArgs>? StateChanged;

        /// <summary>A direct message arrived from a matching member.</summary>
        public event EventHandler<DsnDataReceivedEventArgs>? DataReceived;

        /// <summary>Stops receiving events; those already queued are still raised.</summary>
        public void Dispose()
        {
            if (!IsActive)
                return;
            _unsubscribe(this);
            _ = CompleteAsync(fromHandler: false);
        }

        internal bool Wants(DsnEventKinds kind, string nodeId, string? key = null) => _filter.Matches(kind, nodeId, key);

        internal void Offer(DsnPeerEventArgs args) => _events.Post(() => PeerJoined, args);

        internal void Offer(DsnPeerStatusEventArgs args) => _events.Post(() => PeerStatusChanged, args);

        internal void Offer(DsnStateChangedEventArgs args) => _events.Post(() => StateChanged, args);

        internal void Offer(DsnDataReceivedEventArgs args) => _events.Post(() => DataReceived, args);

        /// <summary>Ends the subscription once its queue is raised (see <see cref="EventDispatcher.CompleteAsync"/>).</summary>
        internal Task CompleteAsync(bool fromHandler)
        {
            IsActive = false;
            return _events.CompleteAsync(fromHandler || _events.IsRaisingOnCurrentThread);
        }

        private long Count(string name) => _counters.Get(name);
    }
}
