using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState
{
    // Start, join, stop; and the test hooks that make a node crash or freeze.
    public sealed partial class DsnNode
    {
        private readonly List<Task> _loops = new List<Task>();
        private readonly TaskCompletionSource<bool> _stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile TaskCompletionSource<bool>? _frozen;

        private async Task RunStartAsync(CancellationToken cancellationToken)
        {
            _listener = await ListenAsync(cancellationToken).ConfigureAwait(false);

            _advertised = new DsnEndpoint(AdvertisedHost(), _listener.LocalEndPoint.Port);
            _incarnation = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (_gate)
            {
                _selfAlive = SignSelfAlive();
                _members.AddSelf(_selfAlive, _rebind, DateTimeOffset.UtcNow);
                if (!RestoreOwnState())
                {
                    HoldRunOpening();
                    _own.BeginEpoch(_clock.Next(), _clock.Next);
                }

                _rejoin = new RejoinTargets(_options.BootstrapNodes, _remembered?.Members ?? Array.Empty<KeyValuePair<string, DsnEndpoint>>(), IsSelf);
            }

            _loops.Add(RunLoop("accept", AcceptLoopAsync));
            _loops.Add(RunLoop("flush", FlushLoopAsync));
            _loops.Add(RunLoop("maintenance", MaintenanceLoopAsync));
            if (_data is not null)
                _loops.Add(RunLoop("save", SaveLoopAsync));
            _flushSignal.Release();
            StartDiscovery();
            Interlocked.CompareExchange(ref _lifecycle, Running, Starting); // not if it stopped itself meanwhile (identity in use)
            if (_options.LeaveOnProcessExit)
                ProcessExitLeave.Register(this, () => ShutdownAsync(graceful: true));
            _logger.LogInformation("Node {Node} listening on {EndPoint}, advertised as {Advertised}.", NodeId, _listener.LocalEndPoint, _advertised);

            List<DsnEndpoint> candidates;
            lock (_gate)
                candidates = _rejoin!.All.ToList();
            if (candidates.Count == 0)
            {
                OpenRunUnlessObserved(joined: true); // a new network: nobody holds a previous run of this node
                return;
            }

            // The bootstrap list first, then the members remembered from the last run (a full outage: no bootstrap needed).
            var attempts = await JoinAnyAsync(candidates, cancellationToken).ConfigureAwait(false);
            ThrowIfIdentityInUse();
            OpenRunUnlessObserved(joined: attempts is null);
            _loops.Add(RunLoop("rejoin", RejoinLoopAsync));
            if (attempts is null)
                return;
            var hasBootstrap = _options.BootstrapNodes.Any(e => !IsSelf(e));
            if (hasBootstrap && !_options.RetryJoinInBackground)
                throw new DsnJoinException(attempts);

            _logger.LogWarning("Node {Node} started alone; it keeps trying its bootstrap list and remembered members: {Attempts}", NodeId, string.Join("; ", attempts));
        }

        /// <summary>
        /// Listens on the configured port; with a data directory and port 0, on the previous run's port if it is free
        /// (peers remember it), else on any free port: peers learn the new one from this node's signed alive record
        /// when it reaches them.
        /// </summary>
        private async Task<IDsnListener> ListenAsync(CancellationToken cancellationToken)
        {
            var port = PreferredPort;
            try
            {
                return await _transport.ListenAsync(_options.BindAddress, port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException taken) when (port != _options.Port)
            {
                _logger.LogWarning("Node {Node} could not listen on its previous port {Port} ({Reason}); it listens on a free port and tells its peers when it reaches them.", NodeId, port, taken.Message);
            }
            catch (SocketException error)
            {
                // Transports report bind problems as the socket would; callers get the address, port and reason typed.
                throw new DsnBindException(_options.BindAddress, _options.Port, error);
            }

            try
            {
                return await _transport.ListenAsync(_options.BindAddress, _options.Port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException error)
            {
                throw new DsnBindException(_options.BindAddress, _options.Port, error);
            }
        }

        /// <summary>
        /// Joins a network through any of the given members (like <c>serf join</c>): returns once this node holds the
        /// network's membership and state. Useful to subscribe to events before anything arrives: start alone,
        /// subscribe, then join.
        /// </summary>
        /// <exception cref="ArgumentException">No endpoint was given.</exception>
        /// <exception cref="DsnJoinException">No endpoint admitted this node; the exception names each and why.</exception>
        public async Task JoinAsync(IEnumerable<DsnEndpoint> endpoints, CancellationToken cancellationToken = default)
        {
            if (endpoints is null)
                throw new ArgumentNullException(nameof(endpoints));
            EnsureRunning();
            var list = endpoints.Where(e => e is not null && !IsSelf(e)).ToList();
            if (list.Count == 0)
                throw new ArgumentException("At least one endpoint of another member is required to join.", nameof(endpoints));
            var attempts = await JoinAnyAsync(list, cancellationToken).ConfigureAwait(false);
            if (attempts is not null)
                throw new DsnJoinException(attempts);
        }

        /// <summary>Joins through the first bootstrap that admits this node; null on success, else every attempt.</summary>
        private async Task<List<DsnJoinAttempt>?> JoinAnyAsync(IReadOnlyList<DsnEndpoint> bootstrap, CancellationToken cancellationToken)
        {
            var attempts = new List<DsnJoinAttempt>();
            foreach (var endpoint in bootstrap)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var problem = await TryJoinThroughAsync(endpoint, cancellationToken).ConfigureAwait(false);
                if (problem is null)
                {
                    _logger.LogInformation("Node {Node} joined through {Bootstrap}.", NodeId, endpoint);
                    ConnectToEveryone();
                    return null;
                }

                _logger.LogWarning("Joining through {Bootstrap} failed: {Reason}", endpoint, problem);
                attempts.Add(new DsnJoinAttempt(endpoint, problem));
            }

            return attempts;
        }

        /// <summary>Connects, authenticates, and waits until the bootstrap has sent everything this node lacks.</summary>
        private async Task<string?> TryJoinThroughAsync(DsnEndpoint endpoint, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            timeout.CancelAfter(_options.JoinTimeout);
            PeerSession session;
            try
            {
                session = await ConnectAsync(endpoint, expectedNodeId: null, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"no answer within the join timeout ({_options.JoinTimeout.TotalSeconds:0.###} s)";
            }
            catch (Exception error)
            {
                return error.Message;
            }

            lock (_gate)
                _rejoin?.NoteReached(endpoint, session.PeerId);
            try
            {
                await ExchangeDigestAsync(session, timeout.Token).ConfigureAwait(false);
                return null;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"the bootstrap did not send the network's state within the join timeout ({_options.JoinTimeout.TotalSeconds:0.###} s)";
            }
            catch (Exception error)
            {
                return error.Message;
            }
        }

        private bool IsSelf(DsnEndpoint endpoint)
        {
            if (endpoint.Port != _advertised!.Port)
                return false;
            if (string.Equals(endpoint.Host, _advertised.Host, StringComparison.OrdinalIgnoreCase))
                return true;
            return IPAddress.TryParse(endpoint.Host, out var address)
                && (address.Equals(_listener!.LocalEndPoint.Address) || (IPAddress.IsLoopback(address) && IsAnyOrLoopback(_listener.LocalEndPoint.Address)));
        }

        private static bool IsAnyOrLoopback(IPAddress address) =>
            IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

        private string AdvertisedHost()
        {
            if (_options.AdvertiseAddress is not null)
                return _options.AdvertiseAddress.Trim();
            var bound = _options.BindAddress;
            if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
                return bound.ToString();
            try
            {
                var candidate = NetworkInterface.GetAllNetworkInterfaces()
                    .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                    .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                    .Select(a => a.Address)
                    .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
                if (candidate is not null)
                    return candidate.ToString();
            }
            catch (NetworkInformationException)
            {
                // No interface list on this platform: fall back to loopback below.
            }

            return IPAddress.Loopback.ToString();
        }

        /// <summary>
        /// Graceful: a signed leave goes to every peer first, so they mark this node Left at once rather than
        /// suspecting it. Otherwise (a failed start, or the crash test hook) sockets just close.
        /// </summary>
        private async Task ShutdownAsync(bool graceful)
        {
            var fromHandler = _events.IsRaisingOnCurrentThread;
            int previous;
            do
            {
                previous = Volatile.Read(ref _lifecycle);
                if (previous >= Stopping)
                {
                    await _stopped.Task.ConfigureAwait(false); // another caller is stopping it
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref _lifecycle, Stopping, previous) != previous);

            _frozen?.TrySetResult(true);
            List<PeerSession> sessions;
            lock (_gate)
                sessions = _sessions.All();
            if (graceful && previous == Running)
            {
                // What this run wrote goes out before the leave (also a held opening), so peers keep its last state.
                lock (_gate)
                    ReleaseRunOpening();
                FlushPendingWrites();
                SaveAll();
                await AnnounceLeaveAsync(sessions).ConfigureAwait(false);
            }

            _stopping.Cancel();
            _discovery?.Dispose();
            _listener?.Dispose();
            foreach (var session in sessions)
                session.Close("this node stopped");
            FailPendingSends("the local node stopped");
            try
            {
                await Task.WhenAll(_loops).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                _logger.LogDebug(error, "A loop ended with an error during shutdown.");
            }

            await _events.CompleteAsync(fromHandler).ConfigureAwait(false);
            await CompleteSubscriptionsAsync(fromHandler).ConfigureAwait(false);
            _identity.Dispose();
            ProcessExitLeave.Forget(this);
            Volatile.Write(ref _lifecycle, Stopped);
            _stopped.TrySetResult(true);
            _changed.Pulse();
            _logger.LogInformation("Node {Node} stopped{How}.", NodeId, graceful ? "" : " abruptly");
        }

        private async Task AnnounceLeaveAsync(List<PeerSession> sessions)
        {
            byte[] encoded;
            lock (_gate)
            {
                var leave = LeaveRecord.Create(_identity, NodeId, _incarnation);
                // Relayed at least once even in a full mesh: a peer whose connection to us is being replaced
                // must still hear of the leave before it notices that we are gone.
                var budget = (byte)Math.Max(1, (int)InitialRelayBudget());
                encoded = MessageCodec.Encode(new MembersMessage(budget, Array.Empty<AliveRecord>(), Array.Empty<Accusation>(), new[] { leave }));
            }

            // Every session, not one per peer: a peer must hear the leave before any of its connections closes.
            foreach (var session in sessions)
                session.SendEncoded(encoded);
            // Returns as soon as every queue is empty (milliseconds, normally); the bound only matters when the thread
            // pool is starved (a handler blocking in Dispose, a busy host), and a leave lost there costs a false Failed.
            await Task.WhenAll(sessions.Select(s => s.DrainAsync(TimeSpan.FromSeconds(2)))).ConfigureAwait(false);
        }

        /// <summary>Test hook: the node vanishes as a killed process would — no leave, sockets closed.</summary>
        internal Task CrashAsync() => ShutdownAsync(graceful: false);

        /// <summary>Test hook: the node stops reading, writing and probing, its sockets open (SIGSTOP).</summary>
        internal void Freeze() => _frozen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Test hook: a frozen node resumes.</summary>
        internal void Thaw()
        {
            var frozen = _frozen;
            _frozen = null;
            frozen?.TrySetResult(true);
        }

        /// <summary>Completes at once unless the node is frozen.</summary>
        private Task WhenThawed() => _frozen?.Task ?? Task.CompletedTask;
    }
}
