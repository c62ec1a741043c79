using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Invoke-DsnQuery's work: resolves -NodeId patterns against the members the node knows, asks them, and hands each
    /// answer to the pipeline thread as it arrives, so answers stream out while the query runs.
    /// </summary>
    public sealed class FleetQuery
    {
        private readonly BlockingCollection<DsnQueryResponse> _arrived = new BlockingCollection<DsnQueryResponse>();
        private readonly Task<IReadOnlyList<DsnQueryResponse>> _query;

        private FleetQuery(DsnNode node, string name, byte[] payload, DsnQueryOptions options, CancellationToken cancellationToken) =>
            _query = node.QueryAsync(name, payload, options, _arrived.Add, cancellationToken);

        /// <summary>Starts the query; null when patterns were given and none matched a member (nobody to ask).</summary>
        /// <exception cref="DsnCommandException">DsnPatternInvalid.</exception>
        public static FleetQuery? Start(DsnNode node, string name, byte[] payload, IReadOnlyCollection<string>? nodeIds, TimeSpan timeout,
            CancellationToken cancellationToken, out IReadOnlyList<string> unmatched)
        {
            var options = new DsnQueryOptions { Timeout = timeout };
            unmatched = Array.Empty<string>();
            if (nodeIds is not null && nodeIds.Count > 0)
            {
                var selected = NameFilter.Apply(node.GetPeers().Where(p => p.Status != DsnPeerStatus.Failed && p.Status != DsnPeerStatus.Left), nodeIds, p => p.NodeId);
                unmatched = selected.UnmatchedNames;
                if (selected.Matches.Count == 0)
                    return null;
                foreach (var peer in selected.Matches)
                    options.Targets.Add(peer.NodeId);
            }

            return new FleetQuery(node, name, payload, options, cancellationToken);
        }

        /// <summary>Each answer as it arrives, until the query ends (every member asked answered, or the timeout).</summary>
        /// <exception cref="AggregateException">The query failed: the runtime's exception inside.</exception>
        public IEnumerable<DsnQueryResponse> Answers(TimeSpan poll)
        {
            while (true)
            {
                if (_arrived.TryTake(out var answer, poll))
                {
                    yield return answer;
                    continue;
                }

                if (!_query.IsCompleted)
                    continue;
                while (_arrived.TryTake(out answer))
                    yield return answer;
                _query.GetAwaiter().GetResult(); // rethrows what failed the query
                yield break;
            }
        }
    }
}
