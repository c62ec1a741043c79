using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Events;
using DistributedState.Internal;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;
using DistributedState.State;
using DistributedState.Storage;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState
{
    // The node's fields and the few helpers every concern uses. One lock (_gate) guards members, state and the
    // session registry; work under it never blocks: sends only enqueue, events only enqueue.
    public sealed partial class DsnNode
    {
        private const int Starting = 0;
        private const int Running = 1;
        private const int Stopping = 2;
        private const int Stopped = 3;

        private readonly DsnNodeOptions _options;
        private readonly NodeLog _logger;
        private readonly IDsnTransport _transport;
        private readonly IdentityKey _identity;
        /// <summary>The re-bind from <see cref="DsnNodeOptions.ReplacedIdentityPath"/>'s key to <see cref="_identity"/>, if asked for.</summary>
        private readonly RebindRecord? _rebind;
        private readonly NodeKeyring _keyring;
        private readonly ProtocolLimits _limits;
        private readonly object _gate = new object();
        private readonly MemberTable _members;
        private readonly Dictionary<string, OwnerState> _owners = new Dictionary<string, OwnerState>(NameRules.NodeIdComparer);
        private readonly OwnerState _own;
        private readonly HybridClock _clock = new HybridClock();
        private readonly Counters _counters = new Counters();
        private readonly EventDispatcher _events;
        private readonly SessionRegistry<PeerSession> _sessions;
        private readonly SendBudget _sendBudget;
        private readonly ChangeSignal _changed = new ChangeSignal();
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly Stopwatch _monotonic = Stopwatch.StartNew();
        private readonly Random _random = new Random();
        private IDsnListener? _listener;
        private DsnEndpoint? _advertised;
        private AliveRecord? _selfAlive;
        private long _incarnation;
        private int _lifecycle = Starting;

        private DsnNode(DsnNodeOptions options, IDsnLogSink? log)
        {
            _options = options;
            NodeId = options.NodeId;
            _logger = new NodeLog(log, NodeId);
            _transport = options.Transport ?? TcpTransport.Instance;
            _keyring = new NodeKeyring(options.NetworkKeyring!, options.NetworkKeyPath, _logger);
            _limits = new ProtocolLimits(options.MaxValueBytes, options.MaxMessageBytes);
            _members = new MemberTable(options.AllowedNodes);
            _data = OpenDataDirectory(options);
            _identity = LoadIdentity(options, _data);
            try
            {
                (_restoredBatches, _remembered) = LoadDataFiles(_data, _identity);
            }
            catch
            {
                _identity.Dispose();
                throw;
            }

            _rebind = SignRebind(options, _identity);
            _leases = new LeaseTimetable(() => MonotonicMs, () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (long)options.ClockSkewTolerance.TotalMilliseconds);
            _own = new OwnerState(NodeId, _leases, isLocal: true);
            _sessions = new SessionRegistry<PeerSession>(NodeId);
            _sendBudget = new SendBudget(options.MaxSendQueueBytes, PeerSession.MaxQueuedBytes);
            _batchSignatures = new SignatureCache(BatchSignatureCacheSize, _counters, "batches.signatures");
            _owners[NodeId] = _own;
            _probeScheduler = new ProbeScheduler<Member>(_random);
            _dialPlanner = new DialPlanner(NodeId);
            _suspicion = new Suspicion(options.SuspicionMultiplier, options.ProbeInterval);
            _events = new EventDispatcher(this, NodeId, options.EventQueueCapacity, _logger, _counters);
        }

        private long MonotonicMs => _monotonic.ElapsedMilliseconds;

        /// <summary>
        /// Fails unless the calling thread holds <c>_gate</c>: methods that read or change members, owners or sessions
        /// call it first, so a caller that forgot the lock fails every test that reaches it instead of racing rarely.
        /// </summary>
        private void RequireGate()
        {
            if (!Monitor.IsEntered(_gate))
                throw new InvalidOperationException("Internal error: the node's lock must be held here.");
        }

        private static IdentityKey LoadIdentity(DsnNodeOptions options, DataDirectory? data)
        {
            if (!options.PersistIdentity)
                return IdentityKey.Create();
            var path = options.IdentityPath ?? data?.IdentityPath ?? IdentityFileLocation.Default(options.NodeId);
            return IdentityKey.LoadOrCreate(path);
        }

        /// <summary>Signs, with the replaced identity's key, the statement that moves this NodeId to the current identity.</summary>
        private static RebindRecord? SignRebind(DsnNodeOptions options, IdentityKey current)
        {
            var path = options.ReplacedIdentityPath;
            if (path is null)
                return null;
            if (!File.Exists(path))
                throw new DsnArgumentException(DsnArgument.Option, $"The replaced identity file '{path}' does not exist; give the identity file this NodeId had before.", nameof(DsnNodeOptions.ReplacedIdentityPath));
            using var replaced = IdentityKey.Load(path);
            if (replaced.PublicKeyHex == current.PublicKeyHex)
                throw new DsnArgumentException(DsnArgument.Option, $"The replaced identity file '{path}' holds the node's current identity; point IdentityPath at the new identity (or leave it unset for a new one) and ReplacedIdentityPath at the old file.", nameof(DsnNodeOptions.ReplacedIdentityPath));
            return RebindRecord.Create(replaced, options.NodeId, current.PublicKey);
        }

        private DsnPeer ToPeer(Member member) => new DsnPeer(member.NodeId, member.EndPoint, member.Status, member.LastChange,
            _owners.TryGetValue(member.NodeId, out var owner) ? owner.KeyCount : 0, member.Incarnation, member.PublicKeyHex,
            NameRules.SameNodeId(member.NodeId, NodeId), LastHeard(member));

        private void EnsureRunning()
        {
            var state = Volatile.Read(ref _lifecycle);
            if (state != Running && state != Starting)
                throw StoppedError($"The node '{NodeId}' has stopped; start a new node to write or send.");
        }

        /// <summary>
        /// Applies local writes at once, raises their events, and wakes the flusher. Returns the keys changed.
        /// <paramref name="leaseMs"/>: the lease of every value written (0: none).
        /// </summary>
        private int WriteOwnState(List<KeyValuePair<string, string?>> writes, uint leaseMs = 0)
        {
            EnsureRunning();
            var changes = new List<StateChange>();
            lock (_gate)
            {
                long size = _own.LiveBytes;
                var seen = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var write in writes)
                    seen[write.Key] = write.Value;
                foreach (var write in seen)
                    size += _own.SizeAfter(write.Key, write.Value) - _own.LiveBytes;
                if (size > _options.MaxStateBytes)
                    throw new DsnStateFullException(size, _options.MaxStateBytes);

                var applied = 0;
                foreach (var write in seen)
                {
                    if (write.Value is null && _own.Get(write.Key) is null)
                        continue;
                    _own.WriteLocal(write.Key, write.Value, _clock.Next(), changes, write.Value is null ? 0 : leaseMs);
                    applied++;
                }

                RaiseStateChanges(changes);
                if (applied > 0)
                    _flushSignal.Release();
                return applied;
            }
        }

        /// <summary>Queues StateChanged events; call under the lock so events keep the order of changes.</summary>
        private void RaiseStateChanges(List<StateChange> changes)
        {
            if (changes.Count == 0)
                return;
            _changed.Pulse();
            var toNode = StateChanged is not null;
            var toSubscriptions = HasSubscriptions;
            if (!toNode && !toSubscriptions)
                return; // nobody listens: spare the allocations (a busy network changes thousands of keys a second)
            foreach (var change in changes)
            {
                DsnStateChangedEventArgs? args = null;
                if (toNode)
                    _events.Post(() => StateChanged, args = NewArgs(change));
                if (toSubscriptions)
                    OfferToSubscriptions(DsnEventKinds.StateChanged, change.Owner, change.Key, s => s.Offer(args ??= NewArgs(change)));
            }

            static DsnStateChangedEventArgs NewArgs(StateChange change) =>
                new DsnStateChangedEventArgs(change.Owner, change.Key, change.OldValue, change.NewValue, change.Version, change.Reason);
        }

        private void RaisePeerJoined(Member member)
        {
            var args = new DsnPeerEventArgs(ToPeer(member));
            _events.Post(() => PeerJoined, args);
            OfferToSubscriptions(DsnEventKinds.PeerJoined, member.NodeId, null, s => s.Offer(args));
            _changed.Pulse();
        }

        private void RaisePeerStatusChanged(Member member, DsnPeerStatus oldStatus)
        {
            if (oldStatus == member.Status)
                return;
            var args = new DsnPeerStatusEventArgs(ToPeer(member), oldStatus);
            _logger.LogInformation("Member {Peer} is now {Status} (was {Old}).", member.NodeId, member.Status, oldStatus);
            _events.Post(() => PeerStatusChanged, args);
            OfferToSubscriptions(DsnEventKinds.PeerStatusChanged, member.NodeId, null, s => s.Offer(args));
            _changed.Pulse();
        }

        private void RaiseDataReceived(string sender, byte[] data)
        {
            var args = new DsnDataReceivedEventArgs(sender, data, DateTimeOffset.UtcNow);
            _events.Post(() => DataReceived, args);
            OfferToSubscriptions(DsnEventKinds.DataReceived, sender, null, s => s.Offer(args));
        }

        /// <summary>Runs a background loop, logging (not throwing) anything unexpected, until the node stops.</summary>
        private Task RunLoop(string name, Func<CancellationToken, Task> loop) => Task.Run(async () =>
        {
            try
            {
                await loop(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception error)
            {
                _logger.LogError(error, "The {Loop} loop of {Node} failed.", name, NodeId);
            }
        });
    }
}
