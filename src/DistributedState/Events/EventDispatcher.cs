using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Logging;

namespace DistributedState.Events
{
    /// <summary>
    /// Raises a node's events in order on one dedicated thread: never on a socket thread, never under the node's lock,
    /// never on a thread-pool thread. Protocol work only queues events and never waits for them, so a handler that
    /// blocks, sleeps or is slow delays events, not failure detection or acknowledgements. The queue is bounded: when
    /// handlers fall behind, further events are dropped and counted (events.dropped). Each subscriber is called on
    /// its own; one that throws is logged once and counted, and the others and the next events still run.
    /// </summary>
    internal sealed class EventDispatcher
    {
        private readonly object _sender;
        private readonly string _threadName;
        private readonly BlockingCollection<QueuedEvent> _queue;
        private readonly Counters _counters;
        private readonly HandlerFaultLog _faults;
        private readonly TaskCompletionSource<bool> _drained = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object _startGate = new object();
        private Thread? _thread;

        /// <param name="sender">The object events are raised from (the node).</param>
        /// <param name="name">Names the dispatcher thread (the node id), for debuggers and dumps.</param>
        /// <param name="capacity">Events waiting beyond this count are dropped.</param>
        /// <param name="logger">Where handler throws are reported.</param>
        /// <param name="counters">Counts events.raised, events.dropped and events.handler.faults.</param>
        public EventDispatcher(object sender, string name, int capacity, NodeLog logger, Counters counters)
        {
            _sender = sender;
            _threadName = "DSN events " + name;
            _queue = new BlockingCollection<QueuedEvent>(new ConcurrentQueue<QueuedEvent>(), capacity);
            _counters = counters;
            _faults = new HandlerFaultLog(logger, counters);
        }

        /// <summary>
        /// Queues an event for the subscribers <paramref name="subscribers"/> returns when it is raised; never blocks.
        /// Skipped when nobody subscribes now.
        /// </summary>
        public void Post<TArgs>(Func<EventHandler<TArgs>?> subscribers, TArgs args) where TArgs : EventArgs
        {
            if (subscribers() is null)
                return;
            EnsureStarted();
            bool queued;
            try
            {
                queued = _queue.TryAdd(new QueuedEvent<TArgs>(subscribers, args));
            }
            catch (InvalidOperationException)
            {
                queued = false; // the node stopped meanwhile
            }

            if (!queued)
                _counters.Add("events.dropped");
        }

        /// <summary>True when called from one of this dispatcher's handlers (say, a script stopping the node from an event action).</summary>
        public bool IsRaisingOnCurrentThread => _thread is not null && Thread.CurrentThread == _thread;

        /// <summary>
        /// Raises what is queued, then stops. Pass <paramref name="fromHandler"/> when the caller is one of this
        /// dispatcher's handlers: then it does not wait for the dispatcher, which is busy running that very handler.
        /// </summary>
        public Task CompleteAsync(bool fromHandler)
        {
            lock (_startGate)
            {
                _queue.CompleteAdding();
                if (_thread is null)
                    _drained.TrySetResult(true); // never started: nothing was ever queued
            }

            return fromHandler ? Task.CompletedTask : _drained.Task;
        }

        /// <summary>The thread starts with the first event: a node nobody subscribes to costs no thread.</summary>
        private void EnsureStarted()
        {
            if (Volatile.Read(ref _thread) is not null)
                return;
            lock (_startGate)
            {
                if (_thread is not null || _queue.IsAddingCompleted)
                    return;
                var thread = new Thread(Pump) { IsBackground = true, Name = _threadName };
                Volatile.Write(ref _thread, thread); // before Start: the first handler may already ask IsRaisingOnCurrentThread
                thread.Start();
            }
        }

        private void Pump()
        {
            try
            {
                foreach (var queued in _queue.GetConsumingEnumerable())
                {
                    var subscribers = queued.Subscribers();
                    if (subscribers is not null)
                    {
                        // Paced only for subscribers that hand the event to the pool, and never once stopping: the
                        // protocol then no longer needs the pool, so the queue drains at once.
                        if (!_queue.IsAddingCompleted && PoolQueuingHandlers.AnyIn(subscribers))
                            ThreadPoolYield.UntilPoolKeepsUp();
                        queued.Raise(_sender, subscribers, _faults.Report);
                    }

                    _counters.Add("events.raised");
                }
            }
            finally
            {
                _drained.TrySetResult(true);
            }
        }
    }
}
