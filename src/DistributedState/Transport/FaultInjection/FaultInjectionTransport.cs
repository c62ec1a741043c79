using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// One host of a <see cref="FaultInjectionNetwork"/>: the transport a node on that host uses. Get it from
    /// <see cref="FaultInjectionNetwork.AddHost"/> and hand it to a node with <see cref="Configure"/>, which also binds
    /// the node to the host's virtual address so other hosts can reach what it advertises.
    /// </summary>
    /// <remarks>
    /// A host has one virtual IPv4 address (10.x.y.z) and answers to its name as a host name, so endpoints may use
    /// either. Listening on the host's address, on any address or on loopback all bind the host's single
    /// interface; connecting to 127.0.0.1, ::1 or localhost reaches the host itself. A host outlives the nodes on
    /// it: a node restarted on the same host (same name) keeps the host's links, faults and cuts.
    /// </remarks>
    public sealed class FaultInjectionTransport : IDsnTransport
    {
        private const int FirstEphemeralPort = 49152;
        private readonly Dictionary<int, Listener> _listeners = new Dictionary<int, Listener>();
        private int _nextPort = FirstEphemeralPort;
        private int _nextClientPort;

        internal FaultInjectionTransport(FaultInjectionNetwork network, string name, int index)
        {
            Network = network;
            Name = name;
            Index = index;
            Address = new IPAddress(new byte[] { 10, (byte)(index >> 16), (byte)(index >> 8), (byte)index });
            _nextClientPort = 32768 + (index % 1000);
        }

        /// <summary>The network this host belongs to.</summary>
        public FaultInjectionNetwork Network { get; }

        /// <summary>The host's name, unique in its network; also resolvable as a host name.</summary>
        public string Name { get; }

        /// <summary>The host's virtual IPv4 address.</summary>
        public IPAddress Address { get; }

        internal int Index { get; }

        /// <summary>Partition group (0: in no group). See <see cref="FaultInjectionNetwork.Partition"/>.</summary>
        internal volatile int Group;

        /// <summary>Cut from every other host. See <see cref="FaultInjectionNetwork.Isolate"/>.</summary>
        internal volatile bool Isolated;

        /// <summary>
        /// Makes a node run on this host: sets <see cref="DsnNodeOptions.Transport"/> to this transport and
        /// <see cref="DsnNodeOptions.BindAddress"/> to <see cref="Address"/>. Returns the same options.
        /// </summary>
        public DsnNodeOptions Configure(DsnNodeOptions options)
        {
            if (options is null)
                throw new ArgumentNullException(nameof(options));
            options.Transport = this;
            options.BindAddress = Address;
            return options;
        }

        /// <summary>The endpoint of a port on this host, to put in another node's bootstrap list.</summary>
        public DsnEndpoint EndPoint(int port) => new DsnEndpoint(Address.ToString(), port);

        /// <inheritdoc/>
        public Task<IDsnListener> ListenAsync(IPAddress address, int port, CancellationToken cancellationToken)
        {
            if (address is null)
                throw new ArgumentNullException(nameof(address));
            if (port < 0 || port > 65535)
                throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 0 and 65535.");
            if (!address.Equals(Address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
                && !IPAddress.IsLoopback(address))
                throw new SocketException((int)SocketError.AddressNotAvailable);
            cancellationToken.ThrowIfCancellationRequested();
            Network.ThrowIfDisposed();
            lock (_listeners)
            {
                if (port == 0)
                {
                    for (var tries = 0; tries <= 65535 - FirstEphemeralPort; tries++)
                    {
                        var candidate = _nextPort;
                        _nextPort = _nextPort == 65535 ? FirstEphemeralPort : _nextPort + 1;
                        if (!_listeners.ContainsKey(candidate))
                        {
                            port = candidate;
                            break;
                        }
                    }

                    if (port == 0)
                        throw new SocketException((int)SocketError.AddressAlreadyInUse);
                }
                else if (_listeners.ContainsKey(port))
                {
                    throw new SocketException((int)SocketError.AddressAlreadyInUse);
                }

                var listener = new Listener(this, new IPEndPoint(Address, port));
                _listeners[port] = listener;
                return Task.FromResult<IDsnListener>(listener);
            }
        }

        /// <inheritdoc/>
        public Task<IDsnConnection> ConnectAsync(DsnEndpoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (endPoint is null)
                throw new ArgumentNullException(nameof(endPoint));
            return Network.ConnectAsync(this, endPoint, timeout, cancellationToken);
        }

        internal Listener? FindListener(int port)
        {
            lock (_listeners)
                return _listeners.TryGetValue(port, out var listener) ? listener : null;
        }

        internal void RemoveListener(int port, Listener listener)
        {
            lock (_listeners)
            {
                if (_listeners.TryGetValue(port, out var current) && current == listener)
                    _listeners.Remove(port);
            }
        }

        /// <summary>The source port shown for an outbound connection (for logs only).</summary>
        internal int NextClientPort()
        {
            var port = Interlocked.Increment(ref _nextClientPort);
            return 32768 + (port & 0x3FFF);
        }

        /// <inheritdoc/>
        public override string ToString() => $"{Name} ({Address})";
    }
}
