using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace DistributedState.Internal
{
    /// <summary>
    /// Requests waiting for their reply: probes, relayed probes, digests, direct messages. Each gets a fresh id that is
    /// not 0 and not in use, and is bound to the responders allowed to answer it (a session, or a NodeId compared by
    /// <see cref="NameRules.NodeIdComparer"/>); a reply from anyone else is refused, so one peer cannot complete a request
    /// addressed to another. Each request may carry state for whoever takes the reply, and a deadline after which
    /// <see cref="Expire"/> drops it. Thread-safe with its own lock: replies arrive on session threads, deadlines and
    /// closed connections on others.
    /// </summary>
    /// <typeparam name="TId">The id's wire type.</typeparam>
    /// <typeparam name="TState">What the request carries for the reply's taker.</typeparam>
    internal sealed class PendingReplies<TId, TState> where TId : struct
    {
        private readonly object _lock = new object();
        private readonly Dictionary<TId, Request> _pending = new Dictionary<TId, Request>();
        private readonly Func<TId> _newId;

        /// <param name="newId">Draws an id (<see cref="UnguessableIds"/>); draws that are 0 or in use are drawn again.</param>
        public PendingReplies(Func<TId> newId) => _newId = newId;

        /// <summary>Requests still waiting.</summary>
        public int Count
        {
            get
            {
                lock (_lock)
                    return _pending.Count;
            }
        }

        /// <summary>Registers a request; its task completes when an allowed responder replies, and faults or is cancelled otherwise.</summary>
        public (TId Id, Task Reply) Start(object responder, TState state, long deadlineMs = long.MaxValue)
        {
            var request = new Request(responder, state, deadlineMs);
            lock (_lock)
            {
                TId id;
                do
                    id = _newId();
                while (id.Equals(default(TId)) || _pending.ContainsKey(id));
                _pending[id] = request;
                return (id, request.Reply.Task);
            }
        }

        /// <summary>Lets one more responder answer (an indirect probe's helper).</summary>
        public void Allow(TId id, object responder)
        {
            lock (_lock)
            {
                if (_pending.TryGetValue(id, out var request))
                    request.Responders.Add(responder);
            }
        }

        private static bool IsSameResponder(object allowed, object responder) =>
            allowed is string allowedId && responder is string responderId ? NameRules.SameNodeId(allowedId, responderId) : allowed.Equals(responder);

        /// <summary>
        /// The state of a request <paramref name="responder"/> may answer, without completing it: for a reply that must
        /// be checked against the state before it counts. False when there is no such request or the responder may not.
        /// </summary>
        public bool TryGet(TId id, object responder, out TState state)
        {
            lock (_lock)
            {
                if (_pending.TryGetValue(id, out var request) && request.Responders.Any(allowed => IsSameResponder(allowed, responder)))
                {
                    state = request.State;
                    return true;
                }
            }

            state = default!;
            return false;
        }

        /// <summary>Completes and removes the request if <paramref name="responder"/> may answer it; false (nothing changes) otherwise.</summary>
        public bool TryComplete(TId id, object responder, out TState state)
        {
            Request? request;
            lock (_lock)
            {
                if (!_pending.TryGetValue(id, out request) || !request.Responders.Any(allowed => IsSameResponder(allowed, responder)))
                {
                    state = default!;
                    return false;
                }

                _pending.Remove(id);
            }

            state = request.State;
            request.Reply.TrySetResult(true);
            return true;
        }

        /// <summary>Removes a request its requester stopped waiting for (done, timed out, cancelled).</summary>
        public void Remove(TId id)
        {
            lock (_lock)
                _pending.Remove(id);
        }

        /// <summary>Cancels a request whose requester gave up (its cancellation token fired).</summary>
        public void Cancel(TId id)
        {
            Request? request;
            lock (_lock)
            {
                if (!_pending.TryGetValue(id, out request))
                    return;
                _pending.Remove(id);
            }

            request.Reply.TrySetCanceled();
        }

        /// <summary>Fails the requests whose first responder matches (its connection closed): they can no longer be answered.</summary>
        public void Fail(Func<object, bool> firstResponder, Func<Exception> error)
        {
            foreach (var request in Take(r => firstResponder(r.Responders[0])))
                request.Reply.TrySetException(error());
        }

        /// <summary>Fails every request (the node stops).</summary>
        public void FailAll(Exception error)
        {
            foreach (var request in Take(_ => true))
                request.Reply.TrySetException(error);
        }

        /// <summary>Drops the requests whose deadline passed; their tasks are cancelled.</summary>
        public void Expire(long nowMs)
        {
            foreach (var request in Take(r => r.DeadlineMs <= nowMs))
                request.Reply.TrySetCanceled();
        }

        private List<Request> Take(Func<Request, bool> which)
        {
            lock (_lock)
            {
                var taken = _pending.Where(p => which(p.Value)).ToList();
                foreach (var entry in taken)
                    _pending.Remove(entry.Key);
                return taken.Select(p => p.Value).ToList();
            }
        }

        private sealed class Request
        {
            public Request(object responder, TState state, long deadlineMs)
            {
                Responders = new List<object>(1) { responder };
                State = state;
                DeadlineMs = deadlineMs;
            }

            public List<object> Responders { get; }

            public TState State { get; }

            public long DeadlineMs { get; }

            public TaskCompletionSource<bool> Reply { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
