using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;

namespace DistributedState
{
    // Fleet queries: a signed question handed on like membership news, answered by each member directly to the asker.
    public sealed partial class DsnNode
    {
        private static readonly TimeSpan MaxQueryTimeout = TimeSpan.FromMinutes(5);
        private readonly ConcurrentDictionary<ulong, QueryCollector> _queries = new ConcurrentDictionary<ulong, QueryCollector>();
        /// <summary>Queries seen lately, by asker (case-folded, as NodeIds compare) and id: each is handled once.</summary>
        private readonly RecentIds<string> _seenQueries = new RecentIds<string>(10_000, StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Func<DsnQueryEventArgs, byte[]?>> _queryHandlers =
            new ConcurrentDictionary<string, Func<DsnQueryEventArgs, byte[]?>>(StringComparer.Ordinal);

        /// <summary>A fleet query reached this node; answer it with <see cref="DsnQueryEventArgs.Respond(string)"/>.</summary>
        public event EventHandler<DsnQueryEventArgs>? QueryReceived;

        /// <summary>
        /// Answers queries of one name from C#: the handler runs on the thread pool and its result (null: no answer) is
        /// sent to the asker. Pass null to remove it. <see cref="QueryReceived"/> is raised as well.
        /// </summary>
        public void SetQueryHandler(string name, Func<DsnQueryEventArgs, byte[]?>? handler)
        {
            RequireQueryName(name);
            if (handler is null)
                _queryHandlers.TryRemove(name, out _);
            else
                _queryHandlers[name] = handler;
        }

        /// <summary>
        /// Asks every member (or <see cref="DsnQueryOptions.Targets"/>) a named question and collects the answers until
        /// the timeout, or until every member asked has answered. Each answer is also passed to
        /// <paramref name="onResponse"/> as it arrives (on a session thread). The asker needs no connection to everyone:
        /// the query travels like membership news, and members dial the asker to answer.
        /// </summary>
        /// <exception cref="DsnArgumentException">A bad name, target or timeout.</exception>
        /// <exception cref="DsnMessageTooLargeException">The payload exceeds <see cref="DsnNodeOptions.MaxMessageBytes"/>.</exception>
        /// <exception cref="DsnNodeStoppedException">This node has stopped.</exception>
        public async Task<IReadOnlyList<DsnQueryResponse>> QueryAsync(string name, byte[] payload, DsnQueryOptions? options = null,
            Action<DsnQueryResponse>? onResponse = null, CancellationToken cancellationToken = default)
        {
            RequireQueryName(name);
            if (payload is null)
                throw new ArgumentNullException(nameof(payload));
            if (payload.Length > _options.MaxMessageBytes)
                throw new DsnMessageTooLargeException(payload.Length, _options.MaxMessageBytes);
            options ??= new DsnQueryOptions();
            if (options.Timeout < TimeSpan.FromMilliseconds(10) || options.Timeout > MaxQueryTimeout)
                throw new DsnArgumentException(DsnArgument.Option, $"A query's timeout is from 10 ms to 5 minutes; {options.Timeout} was given.", nameof(options.Timeout));
            if (options.Targets.Count > QueryMessage.MaxTargets)
                throw new DsnArgumentException(DsnArgument.Option, $"A query names at most {QueryMessage.MaxTargets} members; {options.Targets.Count} were given.", nameof(options.Targets));
            foreach (var target in options.Targets)
            {
                if (NameRules.NodeIdProblem(target) is { } problem)
                    throw new DsnArgumentException(DsnArgument.NodeId, problem, nameof(options.Targets));
            }

            EnsureRunning();
            var targets = options.Targets.Distinct(NameRules.NodeIdComparer).ToList();
            var deadline = DateTimeOffset.UtcNow + options.Timeout;
            var collector = await AskFleetAsync(targets, options.Timeout, "queries.asked", onResponse, cancellationToken,
                id => QueryMessage.Create(_identity, InitialRelayBudget(), id, NodeId, deadline.ToUnixTimeMilliseconds(), name, targets, payload),
                (query, answers) => Answer(query, NodeId, response => answers.TryAdd(NodeId, response))).ConfigureAwait(false);
            return collector.Responses();
        }

        /// <summary>
        /// Hands a signed fleet message (a query, a keyring command) to the members, lets this node answer it too when
        /// it is one of the <paramref name="targets"/> (empty: every member), and collects the answers until every
        /// member asked has answered or the timeout passes. Without <paramref name="answerHere"/> this node does not
        /// answer and is not waited for.
        /// </summary>
        private async Task<QueryCollector> AskFleetAsync<TMessage>(IReadOnlyList<string> targets, TimeSpan timeout, string counter,
            Action<DsnQueryResponse>? onResponse, CancellationToken cancellationToken, Func<ulong, TMessage> create, Action<TMessage, QueryCollector>? answerHere)
            where TMessage : Message
        {
            var clock = Stopwatch.StartNew();
            ulong id;
            TMessage message;
            QueryCollector collector;
            lock (_gate)
            {
                var expected = (targets.Count > 0 ? targets : _members.All.Where(m => !m.IsDeparted).Select(m => m.NodeId))
                    .Where(id => answerHere is not null || !NameRules.SameNodeId(id, NodeId)).ToList();
                do
                    id = UnguessableIds.NextUInt64();
                while (id == 0 || _queries.ContainsKey(id));
                collector = new QueryCollector(expected, targets.Count == 0, clock, onResponse);
                _queries[id] = collector;
                message = create(id);
                _seenQueries.Add(QueryKey(NodeId, id));
                Broadcast(MessageCodec.Encode(message), null);
            }

            _counters.Add(counter);
            try
            {
                if (answerHere is not null && (targets.Count == 0 || targets.Any(t => NameRules.SameNodeId(t, NodeId))))
                    answerHere(message, collector);
                using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
                expiry.CancelAfter(timeout);
                // Until every member asked answered, or the timeout: the answers so far are then the result.
                await Task.WhenAny(collector.Complete, Task.Delay(Timeout.Infinite, expiry.Token)).ConfigureAwait(false);

                cancellationToken.ThrowIfCancellationRequested();
                return collector;
            }
            finally
            {
                _queries.TryRemove(id, out _);
            }
        }

        /// <summary>
        /// Whether a fleet message that arrived is to be handled here: its asker is a live member other than this node,
        /// its deadline has not passed, <paramref name="isValidAndSigned"/> holds for the asker's key, and it is new. A new
        /// one is handed on (<paramref name="relayed"/>: the copy with a lower budget, null when the budget is spent).
        /// </summary>
        private bool AcceptFleetMessage(PeerSession session, string counterPrefix, string askerId, ulong id, long deadlineUnixMs,
            Func<SignatureVerifier, bool> isValidAndSigned, Func<Message?> relayed, out DsnEndpoint askerEndpoint)
        {
            SignatureVerifier verifier;
            lock (_gate)
            {
                askerEndpoint = default!;
                if (NameRules.SameNodeId(askerId, NodeId) || !_members.TryGet(askerId, out var asker) || asker.IsDeparted)
                {
                    _counters.Add(counterPrefix + ".rejected.unknown_asker");
                    return false;
                }

                verifier = asker.Verifier;
                askerEndpoint = asker.EndPoint;
            }

            if (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > deadlineUnixMs)
            {
                _counters.Add(counterPrefix + ".rejected.expired");
                return false;
            }

            if (NameRules.NodeIdProblem(askerId) is not null || !isValidAndSigned(verifier))
            {
                _counters.Add(counterPrefix + ".rejected.bad_signature");
                return false;
            }

            lock (_gate)
            {
                if (!_seenQueries.Add(QueryKey(askerId, id)))
                    return false; // arrived again by another path
                if (relayed() is { } copy)
                    Relay(MessageCodec.Encode(copy), session.PeerId);
            }

            _counters.Add(counterPrefix + ".received");
            return true;
        }

        private void HandleQuery(PeerSession session, QueryMessage query)
        {
            if (!AcceptFleetMessage(session, "queries", query.Asker, query.QueryId, query.DeadlineUnixMs,
                    verifier => QueryNameProblem(query.Name) is null && query.IsSignedBy(verifier),
                    () => query.RelayBudget > 0 ? query.WithRelayBudget((byte)(query.RelayBudget - 1)) : null,
                    out var askerEndpoint))
                return;
            if (query.Targets.Count == 0 || query.Targets.Any(t => NameRules.SameNodeId(t, NodeId)))
                Answer(query, query.Asker, response => SendQueryResponse(query.Asker, askerEndpoint, query.QueryId, response));
        }

        /// <summary>Raises <see cref="QueryReceived"/> and runs the named handler; whichever answers first is sent.</summary>
        private void Answer(QueryMessage query, string askerId, Func<byte[], bool> send)
        {
            var args = new DsnQueryEventArgs(query.Name, askerId, query.Payload, DateTimeOffset.FromUnixTimeMilliseconds(query.DeadlineUnixMs),
                response => response.Length <= _options.MaxMessageBytes && send(response));
            _events.Post(() => QueryReceived, args);
            if (_queryHandlers.TryGetValue(query.Name, out var handler))
            {
                _ = Task.Run(() =>
                {
                    try
                    {
                        if (handler(args) is { } answer)
                            args.Respond(answer);
                    }
                    catch (Exception error)
                    {
                        _counters.Add("queries.handler.faults");
                        _logger.LogWarning("The handler of query '{Query}' threw: {Reason}", query.Name, error.Message);
                    }
                });
            }
        }

        private bool SendQueryResponse(string asker, DsnEndpoint endpoint, ulong queryId, byte[] response)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    var session = await GetOrDialAsync(asker, endpoint).ConfigureAwait(false);
                    session.Send(new QueryResponseMessage(queryId, response));
                    _counters.Add("queries.answered");
                }
                catch (Exception error)
                {
                    _logger.LogDebug("Could not answer the query of {Peer}: {Reason}", asker, error.Message);
                }
            });
            return true;
        }

        private void HandleQueryResponse(PeerSession session, QueryResponseMessage response)
        {
            if (!_queries.TryGetValue(response.QueryId, out var collector) || !collector.TryAdd(session.PeerId, response.Payload))
                _counters.Add("queries.rejected.unexpected_response");
        }

        private static string QueryKey(string asker, ulong id) => asker.ToLowerInvariant() + "/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static void RequireQueryName(string name)
        {
            if (QueryNameProblem(name) is { } problem)
                throw new DsnArgumentException(DsnArgument.Option, problem, nameof(name));
        }

        private static string? QueryNameProblem(string? name)
        {
            if (string.IsNullOrEmpty(name))
                return "A query name is required: 1 to 128 UTF-8 bytes without control characters.";
            if (Encoding.UTF8.GetByteCount(name) > QueryMessage.MaxNameBytes || name!.Any(char.IsControl))
                return $"The query name '{new string(name!.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray())}' is not 1 to 128 UTF-8 bytes without control characters.";
            return null;
        }
    }
}
