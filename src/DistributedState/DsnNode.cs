using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.State;
using DistributedState.Logging;

namespace DistributedState
{
    /// <summary>
    /// A member of a distributed state network: it owns a small key/value state that only it writes, holds a
    /// copy of every other member's state for local reads, sends direct messages, and raises events for joins,
    /// status changes, state changes and messages. Several nodes may run in one process.
    /// </summary>
    /// <remarks>
    /// Events are raised in order from one dispatcher thread per node, never while the node holds a lock; a
    /// handler that throws is logged and the node carries on. All members are thread-safe. The implementation is
    /// split by concern over the files of the <c>Node/</c> folder.
    /// </remarks>
    public sealed partial class DsnNode : IAsyncDisposable, IDisposable
    {
        /// <summary>
        /// Starts a node. With bootstrap nodes, returns once the node has joined through at least one of them and
        /// holds the current membership and state; otherwise throws <see cref="DsnJoinException"/> naming every
        /// bootstrap it tried (unless <see cref="DsnNodeOptions.RetryJoinInBackground"/> is set).
        /// </summary>
        /// <exception cref="ArgumentException">An option is invalid; the message says what is allowed.</exception>
        /// <exception cref="DsnJoinException">No bootstrap node admitted this node.</exception>
        /// <exception cref="DsnBindException">The node cannot listen on its bind address and port.</exception>
        /// <exception cref="DsnIdentityInUseException">
        /// Another live process, started earlier, uses this node's identity (NodeId and identity key): found during the
        /// join. Found later, the node stops itself with that error as <see cref="StopReason"/>.
        /// </exception>
        public static async Task<DsnNode> StartAsync(DsnNodeOptions options, IDsnLogSink? log = null, CancellationToken cancellationToken = default)
        {
            if (options is null)
                throw new ArgumentNullException(nameof(options));
            var validated = OptionsValidator.Validate(options);
            var node = new DsnNode(validated, log);
            try
            {
                await node.RunStartAsync(cancellationToken).ConfigureAwait(false);
                return node;
            }
            catch
            {
                await node.ShutdownAsync(graceful: false).ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>This node's NodeId.</summary>
        public string NodeId { get; }

        /// <summary>The address and port the node listens on (the actual port when 0 was asked for).</summary>
        public IPEndPoint LocalEndPoint => _listener!.LocalEndPoint;

        /// <summary>The endpoint other members use to reach this node.</summary>
        public DsnEndpoint AdvertisedEndPoint => _advertised!;

        /// <summary>This node's identity public key (hex), to pin in other nodes' <see cref="DsnNodeOptions.AllowedNodes"/>.</summary>
        public string PublicKey => _identity.PublicKeyHex;

        /// <summary>True from start until <see cref="StopAsync"/> or disposal.</summary>
        public bool IsRunning => Volatile.Read(ref _lifecycle) == Running;

        /// <summary>A member joined, or was learned of for the first time.</summary>
        public event EventHandler<DsnPeerEventArgs>? PeerJoined;

        /// <summary>A member's status changed (Alive, Suspect, Failed, Left).</summary>
        public event EventHandler<DsnPeerStatusEventArgs>? PeerStatusChanged;

        /// <summary>A key of any member's state (this node's included) was set or removed.</summary>
        public event EventHandler<DsnStateChangedEventArgs>? StateChanged;

        /// <summary>A direct message arrived.</summary>
        public event EventHandler<DsnDataReceivedEventArgs>? DataReceived;

        /// <summary>
        /// Sets a key of this node's own state; the change reaches every member within milliseconds. The value has the
        /// lease of <see cref="DsnNodeOptions.DefaultTimeToLive"/> (none unless set).
        /// </summary>
        /// <exception cref="ArgumentException">The key or value is invalid; the message says what is allowed.</exception>
        /// <exception cref="DsnStateFullException">The state would exceed <see cref="DsnNodeOptions.MaxStateBytes"/>.</exception>
        /// <exception cref="DsnNodeStoppedException">The node has stopped.</exception>
        public void SetData(string key, string value) => SetData(new[] { new KeyValuePair<string, string>(key, value) });

        /// <summary>
        /// Sets a key with a lease: every node drops the value <paramref name="timeToLive"/> after this write (reporting
        /// <see cref="DsnStateChangeReason.Expired"/>), even if this node is gone by then, unless it is set again first;
        /// setting it again (a renewal) costs one small delta. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>:
        /// no lease, whatever <see cref="DsnNodeOptions.DefaultTimeToLive"/> says. The clock-skew rule is in docs/protocol.md.
        /// </summary>
        /// <exception cref="DsnArgumentException">The key, value or lease is invalid (<see cref="DsnArgument.TimeToLive"/>: not 1 ms to 30 days).</exception>
        /// <exception cref="DsnStateFullException">The state would exceed <see cref="DsnNodeOptions.MaxStateBytes"/>.</exception>
        /// <exception cref="DsnNodeStoppedException">The node has stopped.</exception>
        public void SetData(string key, string value, TimeSpan timeToLive) =>
            SetData(new[] { new KeyValuePair<string, string>(key, value) }, timeToLive);

        /// <summary>
        /// Sets several keys at once: all or none are applied, and members receive them together. The values have the
        /// lease of <see cref="DsnNodeOptions.DefaultTimeToLive"/> (none unless set).
        /// </summary>
        /// <exception cref="ArgumentException">A key or value is invalid; nothing was applied.</exception>
        /// <exception cref="DsnValueTooLargeException">A value exceeds <see cref="DsnNodeOptions.MaxValueBytes"/>; nothing was applied.</exception>
        /// <exception cref="DsnStateFullException">The state would exceed <see cref="DsnNodeOptions.MaxStateBytes"/>; nothing was applied.</exception>
        public void SetData(IEnumerable<KeyValuePair<string, string>> entries) => SetData(entries, null);

        /// <summary>Sets several keys at once, all with the lease <paramref name="timeToLive"/> (see <see cref="SetData(string, string, TimeSpan)"/>).</summary>
        /// <exception cref="ArgumentException">A key, value or the lease is invalid; nothing was applied.</exception>
        /// <exception cref="DsnValueTooLargeException">A value exceeds <see cref="DsnNodeOptions.MaxValueBytes"/>; nothing was applied.</exception>
        /// <exception cref="DsnStateFullException">The state would exceed <see cref="DsnNodeOptions.MaxStateBytes"/>; nothing was applied.</exception>
        public void SetData(IEnumerable<KeyValuePair<string, string>> entries, TimeSpan timeToLive) => SetData(entries, (TimeSpan?)timeToLive);

        private void SetData(IEnumerable<KeyValuePair<string, string>> entries, TimeSpan? timeToLive)
        {
            if (entries is null)
                throw new ArgumentNullException(nameof(entries));
            var leaseMs = timeToLive is { } lease ? LeaseMs(lease) : DefaultLeaseMs;
            var list = entries.ToList();
            foreach (var entry in list)
            {
                var keyProblem = NameRules.KeyProblem(entry.Key);
                if (keyProblem is not null)
                    throw new DsnArgumentException(DsnArgument.Key, keyProblem, "key");
                if (NameRules.ValueProblem(entry.Value, _options.MaxValueBytes) is { } valueProblem)
                {
                    // Name the key: in a batch of many, the message is the only way to find the culprit.
                    var size = NameRules.ValueBytes(entry.Value);
                    throw size > _options.MaxValueBytes
                        ? new DsnValueTooLargeException(entry.Key, size, _options.MaxValueBytes)
                        : new DsnArgumentException(DsnArgument.Value, $"The value of key '{entry.Key}' is invalid: {valueProblem}", "value");
                }
            }

            WriteOwnState(list.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)).ToList(), leaseMs);
        }

        /// <summary>Removes a key of this node's own state. Returns false if the key was not set.</summary>
        /// <exception cref="ArgumentException">The key is invalid.</exception>
        public bool RemoveData(string key)
        {
            var problem = NameRules.KeyProblem(key);
            if (problem is not null)
                throw new DsnArgumentException(DsnArgument.Key, problem, nameof(key));
            return WriteOwnState(new List<KeyValuePair<string, string?>> { new KeyValuePair<string, string?>(key, null) }) > 0;
        }

        /// <summary>Reads one key of any member's state, locally. Null if the member or the key is absent.</summary>
        public string? GetData(string nodeId, string key)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            if (key is null)
                throw new ArgumentNullException(nameof(key));
            lock (_gate)
                return _owners.TryGetValue(nodeId, out var owner) ? owner.Get(key) : null;
        }

        /// <summary>Reads a member's whole state, locally (a snapshot).</summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public IReadOnlyDictionary<string, string> GetState(string nodeId)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in GetEntries(nodeId))
                result[entry.Key] = entry.Value;
            return result;
        }

        /// <summary>
        /// Reads a member's state with versions, leases, ages, the owner's status and when this node last heard from it,
        /// sorted by key. Expired values are not returned.
        /// </summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public IReadOnlyList<DsnDataEntry> GetEntries(string nodeId)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            lock (_gate)
            {
                if (!_members.TryGet(nodeId, out var member))
                    throw new DsnNodeNotFoundException(nodeId);
                if (!_owners.TryGetValue(nodeId, out var owner))
                    return Array.Empty<DsnDataEntry>();
                return ToEntries(member, owner.Snapshot());
            }
        }

        /// <summary>Reads one entry of a member's state, locally, by its exact (case-sensitive) key: a direct lookup, whatever the state's size. Null when the member has no such key.</summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public DsnDataEntry? GetEntry(string nodeId, string key)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            if (key is null)
                throw new ArgumentNullException(nameof(key));
            lock (_gate)
            {
                if (!_members.TryGet(nodeId, out var member))
                    throw new DsnNodeNotFoundException(nodeId);
                if (!_owners.TryGetValue(nodeId, out var owner) || !(owner.Find(key) is { } found))
                    return null;
                return ToEntry(member, found, DateTimeOffset.UtcNow);
            }
        }

        /// <summary>Every member this node knows of, itself included, sorted by NodeId.</summary>
        public IReadOnlyList<DsnPeer> GetPeers()
        {
            lock (_gate)
                return _members.All.OrderBy(m => m.NodeId, NameRules.NodeIdComparer).Select(ToPeer).ToList();
        }

        /// <summary>One member.</summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public DsnPeer GetPeer(string nodeId)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            lock (_gate)
                return _members.TryGet(nodeId, out var member) ? ToPeer(member) : throw new DsnNodeNotFoundException(nodeId);
        }

        /// <summary>
        /// Counters of traffic and of everything rejected, and two gauges: <c>sessions.queued_bytes</c> (bytes waiting
        /// to be sent now, over all connections) and <c>sessions.queued_bytes.peak</c> (the most there ever were).
        /// </summary>
        public DsnNodeStatistics GetStatistics()
        {
            var counters = _counters.Snapshot();
            counters["sessions.queued_bytes"] = _sendBudget.Queued;
            counters["sessions.queued_bytes.peak"] = _sendBudget.Peak;
            return new DsnNodeStatistics(counters);
        }

        /// <summary>
        /// Waits until a member is known with the given status; returns it. Use instead of sleeping in scripts and tests.
        /// </summary>
        /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
        public Task<DsnPeer> WaitForPeerAsync(string nodeId, DsnPeerStatus status, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            return _changed.WaitAsync(() =>
            {
                lock (_gate)
                    return _members.TryGet(nodeId, out var member) && member.Status == status ? ToPeer(member) : null;
            }, timeout, $"'{nodeId}' is {status} on '{NodeId}'", cancellationToken);
        }

        /// <summary>
        /// Waits until the member list satisfies <paramref name="condition"/> (say, some member matches a pattern);
        /// returns the list it held for. Tested again at every membership or state change, never by polling.
        /// </summary>
        /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
        public Task<IReadOnlyList<DsnPeer>> WaitForPeersAsync(Func<IReadOnlyList<DsnPeer>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (condition is null)
                throw new ArgumentNullException(nameof(condition));
            return _changed.WaitAsync(() =>
            {
                var peers = GetPeers();
                return condition(peers) ? peers : null;
            }, timeout, $"the members on '{NodeId}' satisfy the condition", cancellationToken);
        }

        /// <summary>
        /// Waits until a member's key holds a value (any value when <paramref name="value"/> is null); returns the value.
        /// </summary>
        /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
        public Task<string> WaitForDataAsync(string nodeId, string key, string? value, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            if (key is null)
                throw new ArgumentNullException(nameof(key));
            return _changed.WaitAsync(() =>
            {
                var current = GetData(nodeId, key);
                return current is not null && (value is null || current == value) ? current : null;
            }, timeout, value is null ? $"'{nodeId}' has key '{key}' on '{NodeId}'" : $"'{nodeId}' has {key}='{value}' on '{NodeId}'", cancellationToken);
        }

        /// <summary>Stops gracefully: announces the departure (peers mark this node Left at once), then closes.</summary>
        public Task StopAsync(CancellationToken cancellationToken = default) => ShutdownAsync(graceful: true);

        /// <summary>Stops the node as <see cref="StopAsync"/> does.</summary>
        public ValueTask DisposeAsync() => new ValueTask(ShutdownAsync(graceful: true));

        /// <summary>Stops the node as <see cref="StopAsync"/> does, blocking.</summary>
        public void Dispose() => ShutdownAsync(graceful: true).GetAwaiter().GetResult();

        /// <inheritdoc/>
        public override string ToString() => $"{NodeId} ({(IsRunning ? "running" : "stopped")}) {_advertised}";
    }
}
