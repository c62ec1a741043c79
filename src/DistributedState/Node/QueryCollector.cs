using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Internal;

namespace DistributedState
{
    /// <summary>The answers to one query: at most one per member, from the members asked.</summary>
    internal sealed class QueryCollector
    {
        private readonly HashSet<string> _expected;
        private readonly bool _anyMember;
        private readonly Stopwatch _clock;
        private readonly Action<DsnQueryResponse>? _onResponse;
        private readonly List<DsnQueryResponse> _responses = new List<DsnQueryResponse>();
        private readonly HashSet<string> _answered = new HashSet<string>(NameRules.NodeIdComparer);
        private int _callbacksRunning;
        private readonly TaskCompletionSource<bool> _complete = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        public QueryCollector(IEnumerable<string> expected, bool anyMember, Stopwatch clock, Action<DsnQueryResponse>? onResponse)
        {
            _expected = new HashSet<string>(expected, NameRules.NodeIdComparer);
            _anyMember = anyMember;
            _clock = clock;
            _onResponse = onResponse;
            if (_expected.Count == 0)
                _complete.TrySetResult(true);
        }

        public Task Complete => _complete.Task;

        /// <summary>
        /// Adds a member's answer and hands it to the callback; the collection completes once every member asked has
        /// answered and every callback has returned, so a caller that awaits <see cref="Complete"/> has seen them all.
        /// </summary>
        public bool TryAdd(string nodeId, byte[] payload)
        {
            DsnQueryResponse response;
            lock (_responses)
            {
                if ((!_anyMember && !_expected.Contains(nodeId)) || !_answered.Add(nodeId))
                    return false;
                response = new DsnQueryResponse(nodeId, payload, _clock.Elapsed);
                _responses.Add(response);
                _callbacksRunning++;
            }

            try
            {
                _onResponse?.Invoke(response);
            }
            finally
            {
                bool complete;
                lock (_responses)
                    complete = --_callbacksRunning == 0 && _expected.All(_answered.Contains);
                if (complete)
                    _complete.TrySetResult(true);
            }

            return true;
        }

        /// <summary>The members asked that have not answered (yet).</summary>
        public IReadOnlyList<string> Unanswered()
        {
            lock (_responses)
                return _expected.Where(id => !_answered.Contains(id)).ToList();
        }

        public IReadOnlyList<DsnQueryResponse> Responses()
        {
            lock (_responses)
                return _responses.ToList();
        }
    }
}
