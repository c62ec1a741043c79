using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState
{
    // Filtered subscriptions: each event is offered to every subscription whose filter matches, beside the node's own
    // events. The list is copied on change, so raising reads it without a lock.
    public sealed partial class DsnNode
    {
        private readonly object _subscriptionsGate = new object();
        private DsnEventSubscription[] _subscriptions = new DsnEventSubscription[0];

        /// <summary>
        /// Subscribes to the events that match <paramref name="filter"/>, filtered on the node before they are queued,
        /// with a queue of <paramref name="queueCapacity"/> events of its own (see <see cref="DsnEventSubscription"/>).
        /// </summary>
        /// <exception cref="DsnArgumentException">The capacity is below 1.</exception>
        /// <exception cref="DsnNodeStoppedException">The node has stopped.</exception>
        public DsnEventSubscription Subscribe(DsnEventFilter filter, int queueCapacity = 10_000)
        {
            if (filter is null)
                throw new ArgumentNullException(nameof(filter));
            if (queueCapacity < 1)
                throw new DsnArgumentException(DsnArgument.Option, $"A subscription's queue capacity is at least 1 event; {queueCapacity} was given.", nameof(queueCapacity));
            EnsureRunning();
            var subscription = new DsnEventSubscription(this, filter, queueCapacity, _logger, Unsubscribe);
            lock (_subscriptionsGate)
            {
                EnsureRunning(); // not after stopping began to end the subscriptions
                _subscriptions = _subscriptions.Concat(new[] { subscription }).ToArray();
            }

            return subscription;
        }

        private bool HasSubscriptions => Volatile.Read(ref _subscriptions).Length > 0;

        private void Unsubscribe(DsnEventSubscription subscription)
        {
            lock (_subscriptionsGate)
                _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }

        private void OfferToSubscriptions(DsnEventKinds kind, string nodeId, string? key, Action<DsnEventSubscription> offer)
        {
            foreach (var subscription in Volatile.Read(ref _subscriptions))
            {
                if (subscription.Wants(kind, nodeId, key))
                    offer(subscription);
            }
        }

        /// <summary>When the node stops: ends every subscription once its queued events are raised.</summary>
        private Task CompleteSubscriptionsAsync(bool fromHandler)
        {
            DsnEventSubscription[] ending;
            lock (_subscriptionsGate)
            {
                ending = _subscriptions;
                _subscriptions = new DsnEventSubscription[0];
            }

            return Task.WhenAll(ending.Select(s => s.CompleteAsync(fromHandler)));
        }
    }
}
