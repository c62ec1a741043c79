using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace DistributedState
{
    /// <summary>
    /// A member of a distributed state network: it owns a small key/value state that only it writes, holds a
    /// copy of every other member's state for local reads, sends direct messages, and raises events for joins,
    /// status changes, state changes and messages. Several nodes may run in one process.
    /// </summary>
    /// <remarks>
    /// Events are raised in order from one dispatcher thread per node, never while the node holds a lock; a
    /// handler that throws is logged and the node carries on. All members are thread-safe.
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
        public static Task<DsnNode> StartAsync(DsnNodeOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
            => throw new NotImplementedException();

        /// <summary>This node's NodeId.</summary>
        public string NodeId => throw new NotImplementedException();

        /// <summary>The address and port the node listens on (the actual port when 0 was asked for).</summary>
        public IPEndPoint LocalEndPoint => throw new NotImplementedException();

        /// <summary>The endpoint other members use to reach this node.</summary>
        public DsnEndpoint AdvertisedEndPoint => throw new NotImplementedException();

        /// <summary>This node's identity public key (hex), to pin in other nodes' <see cref="DsnNodeOptions.AllowedNodes"/>.</summary>
        public string PublicKey => throw new NotImplementedException();

        /// <summary>True from start until <see cref="StopAsync"/> or disposal.</summary>
        public bool IsRunning => throw new NotImplementedException();

        /// <summary>A member joined, or was learned of for the first time.</summary>
        public event EventHandler<DsnPeerEventArgs>? PeerJoined;

        /// <summary>A member's status changed (Alive, Suspect, Failed, Left).</summary>
        public event EventHandler<DsnPeerStatusEventArgs>? PeerStatusChanged;

        /// <summary>A key of any member's state (this node's included) was set or removed.</summary>
        public event EventHandler<DsnStateChangedEventArgs>? StateChanged;

        /// <summary>A direct message arrived.</summary>
        public event EventHandler<DsnDataReceivedEventArgs>? DataReceived;

        /// <summary>Sets a key of this node's own state; the change reaches every member within milliseconds.</summary>
        /// <exception cref="ArgumentException">The key or value is invalid; the message says what is allowed.</exception>
        /// <exception cref="DsnStateFullException">The state would exceed <see cref="DsnNodeOptions.MaxStateBytes"/>.</exception>
        /// <exception cref="InvalidOperationException">The node has stopped.</exception>
        public void SetData(string key, string value) => throw new NotImplementedException();

        /// <summary>Sets several keys at once: all or none are applied, and members receive them together.</summary>
        public void SetData(IEnumerable<KeyValuePair<string, string>> entries) => throw new NotImplementedException();

        /// <summary>Removes a key of this node's own state. Returns false if the key was not set.</summary>
        public bool RemoveData(string key) => throw new NotImplementedException();

        /// <summary>Reads one key of any member's state, locally. Null if the member or the key is absent.</summary>
        public string? GetData(string nodeId, string key) => throw new NotImplementedException();

        /// <summary>Reads a member's whole state, locally (a snapshot).</summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public IReadOnlyDictionary<string, string> GetState(string nodeId) => throw new NotImplementedException();

        /// <summary>Reads a member's state with versions and the owner's status, sorted by key.</summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public IReadOnlyList<DsnDataEntry> GetEntries(string nodeId) => throw new NotImplementedException();

        /// <summary>Every member this node knows of, itself included, sorted by NodeId.</summary>
        public IReadOnlyList<DsnPeer> GetPeers() => throw new NotImplementedException();

        /// <summary>One member.</summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        public DsnPeer GetPeer(string nodeId) => throw new NotImplementedException();

        /// <summary>Counters of traffic and of everything rejected.</summary>
        public DsnNodeStatistics GetStatistics() => throw new NotImplementedException();

        /// <summary>
        /// Sends bytes to one member and waits for its acknowledgement. Sending to this node's own NodeId raises
        /// <see cref="DataReceived"/> locally.
        /// </summary>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        /// <exception cref="DsnPeerUnavailableException">The member failed, left, or did not acknowledge in time.</exception>
        /// <exception cref="DsnMessageTooLargeException">The data is larger than <see cref="DsnNodeOptions.MaxMessageBytes"/>.</exception>
        public Task SendAsync(string nodeId, byte[] data, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>
        /// Waits until a member is known with the given status; returns it. Use instead of sleeping in scripts and tests.
        /// </summary>
        /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
        public Task<DsnPeer> WaitForPeerAsync(string nodeId, DsnPeerStatus status, TimeSpan timeout, CancellationToken cancellationToken = default)
            => throw new NotImplementedException();

        /// <summary>
        /// Waits until a member's key holds a value (any value when <paramref name="value"/> is null); returns the value.
        /// </summary>
        /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
        public Task<string> WaitForDataAsync(string nodeId, string key, string? value, TimeSpan timeout, CancellationToken cancellationToken = default)
            => throw new NotImplementedException();

        /// <summary>Stops gracefully: announces the departure (peers mark this node Left at once), then closes.</summary>
        public Task StopAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>Stops the node as <see cref="StopAsync"/> does.</summary>
        public ValueTask DisposeAsync() => throw new NotImplementedException();

        /// <summary>Stops the node as <see cref="StopAsync"/> does, blocking.</summary>
        public void Dispose() => throw new NotImplementedException();
    }
}
