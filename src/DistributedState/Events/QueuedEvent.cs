using System;

namespace DistributedState.Events
{
    /// <summary>
    /// One event waiting in the dispatcher's queue. The subscribers are read when it is raised, not when it is queued,
    /// so a handler removed in the meantime (Unregister-Event) no longer receives it.
    /// </summary>
    internal abstract class QueuedEvent
    {
        /// <summary>The subscribers now, or null when there are none.</summary>
        public abstract Delegate[]? Subscribers();

        /// <summary>Calls each of <paramref name="subscribers"/> in turn; one that throws is reported and the others still run.</summary>
        public abstract void Raise(object sender, Delegate[] subscribers, Action<Delegate, Exception> onFault);
    }

    /// <inheritdoc />
    internal sealed class QueuedEvent<TArgs> : QueuedEvent where TArgs : EventArgs
    {
        private readonly Func<EventHandler<TArgs>?> _subscribers;
        private readonly TArgs _args;

        public QueuedEvent(Func<EventHandler<TArgs>?> subscribers, TArgs args)
        {
            _subscribers = subscribers;
            _args = args;
        }

        public override Delegate[]? Subscribers() => _subscribers()?.GetInvocationList();

        public override void Raise(object sender, Delegate[] subscribers, Action<Delegate, Exception> onFault)
        {
            // Each subscriber separately: invoking the multicast delegate would stop at the first one that throws.
            foreach (EventHandler<TArgs> handler in subscribers)
            {
                try
                {
                    handler(sender, _args);
                }
                catch (Exception error)
                {
                    onFault(handler, error);
                }
            }
        }
    }
}
