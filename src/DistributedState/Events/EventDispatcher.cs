using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using DistributedState.Logging;

namespace DistributedState.Events
{
    /// <summary>
    /// Raises a node's events in order on one background task, never on a socket thread and never under the
    /// node's lock. The queue is bounded: when handlers fall behind, further events are dropped and counted
    /// rather than growing memory without limit. A handler that throws is logged; the next event still runs.
    /// </summary>
    internal sealed class EventDispatcher
    {
        private readonly Channel<Action> _queue;
        private readonly NodeLog _logger;
        private readonly Action _onDropped;
        private readonly Task _pump;

        /// <summary>The dispatcher whose handler is running on this thread, if any.</summary>
        [ThreadStatic]
        private static EventDispatcher? _raising;

        public EventDispatcher(int capacity, NodeLog logger, Action onDropped)
        {
            _queue = Channel.CreateBounded<Action>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _logger = logger;
            _onDropped = onDropped;
            _pump = Task.Run(PumpAsync);
        }

        /// <summary>Queues an event; never blocks.</summary>
        public void Post(Action raise)
        {
            if (!_queue.Writer.TryWrite(raise))
                _onDropped();
        }

        /// <summary>True when called from one of this dispatcher's handlers (say, a script stopping the node from an event action).</summary>
        public bool IsRaisingOnCurrentThread => _raising == this;

        /// <summary>
        /// Raises what is queued, then stops. Pass <paramref name="fromHandler"/> when the caller is one of this
        /// dispatcher's handlers: then it does not wait for the pump, which is busy running that very handler.
        /// </summary>
        public Task CompleteAsync(bool fromHandler)
        {
            _queue.Writer.TryComplete();
            return fromHandler ? Task.CompletedTask : _pump;
        }

        private async Task PumpAsync()
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var raise))
                {
                    try
                    {
                        _raising = this;
                        raise();
                    }
                    catch (Exception error)
                    {
                        _logger.LogWarning(error, "An event handler threw; the node carries on.");
                    }
                    finally
                    {
                        _raising = null;
                    }
                }
            }
        }
    }
}
