using System;
using System.Collections.Generic;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Logging;

namespace DistributedState.Discovery
{
    /// <summary>
    /// Announces a node on a multicast group and reports the members it hears of (<see cref="Beacon"/>): one UDP socket
    /// joined to the group, a beacon at start and then every interval, and a receive loop that hands each valid
    /// beacon of another node to the caller at most once per interval per NodeId. Runs on its own tasks until disposed.
    /// </summary>
    internal sealed class DiscoveryService : IDisposable
    {
        private readonly DsnDiscoveryOptions _options;
        private readonly Func<DsnNetworkKeyring> _keyring;
        private readonly string _selfId;
        private readonly Func<(string Host, int Port)> _advertised;
        private readonly Action<Beacon> _discovered;
        private readonly Counters _counters;
        private readonly NodeLog _logger;
        private readonly UdpClient _socket;
        private readonly IPEndPoint _groupEndPoint;
        private readonly Dictionary<string, long> _lastReported = new Dictionary<string, long>(NameRules.NodeIdComparer);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private bool _warnedOfSendFailure;

        /// <param name="options">Group, port, interface and interval.</param>
        /// <param name="localAddress">The node's bind address, the interface when the options name none.</param>
        /// <param name="keyring">The node's keyring as it is now: beacons are sealed with its primary and opened with any of its keys.</param>
        /// <param name="selfId">This node's NodeId: its own beacons are ignored.</param>
        /// <param name="advertised">The endpoint to announce, read at each beacon.</param>
        /// <param name="discovered">Called with each member heard of (from the receive task).</param>
        /// <param name="counters">Counts beacons sent, received and refused (discovery.*).</param>
        /// <param name="logger">Logs the socket's start and failures.</param>
        /// <exception cref="SocketException">The group cannot be joined (no multicast route on the interface, say).</exception>
        public DiscoveryService(DsnDiscoveryOptions options, IPAddress localAddress, Func<DsnNetworkKeyring> keyring, string selfId,
            Func<(string Host, int Port)> advertised, Action<Beacon> discovered, Counters counters, NodeLog logger)
        {
            _options = options;
            _keyring = keyring;
            _selfId = selfId;
            _advertised = advertised;
            _discovered = discovered;
            _counters = counters;
            _logger = logger;
            var family = options.Group.AddressFamily;
            _groupEndPoint = new IPEndPoint(options.Group, options.Port);
            _socket = new UdpClient(family);
            try
            {
                _socket.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                _socket.Client.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, options.Port));
                var face = options.Interface ?? (IsSpecific(localAddress) && localAddress.AddressFamily == family ? localAddress : null);
                if (family == AddressFamily.InterNetwork)
                {
                    if (face is null)
                        _socket.JoinMulticastGroup(options.Group);
                    else
                    {
                        _socket.JoinMulticastGroup(options.Group, face);
                        _socket.Client.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, face.GetAddressBytes());
                    }
                }
                else if (face is null)
                {
                    _socket.JoinMulticastGroup(options.Group);
                }
                else
                {
                    var index = InterfaceIndexOf(face);
                    _socket.JoinMulticastGroup(index, options.Group);
                    _socket.Client.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
                }

                _socket.MulticastLoopback = true; // nodes on one host (and tests) hear each other
                _socket.Ttl = 1; // beacons stay on the local link
            }
            catch
            {
                _socket.Dispose();
                throw;
            }
        }

        /// <summary>Starts announcing and listening.</summary>
        public void Start()
        {
            _ = Task.Run(ReceiveLoopAsync);
            _ = Task.Run(AnnounceLoopAsync);
        }

        /// <summary>Stops both loops and closes the socket.</summary>
        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
        }

        private async Task AnnounceLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var (host, port) = _advertised();
                    var beacon = new Beacon(_selfId, host, port, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Seal(_keyring().Primary.Bytes);
                    await _socket.SendAsync(beacon, beacon.Length, _groupEndPoint).ConfigureAwait(false);
                    _counters.Add("discovery.beacons.sent");
                }
                catch (Exception error) when (!_stop.IsCancellationRequested && (error is SocketException || error is ObjectDisposedException))
                {
                    _counters.Add("discovery.send_failed");
                    if (!_warnedOfSendFailure)
                    {
                        // Once: a host without a multicast route on that interface fails every send the same way.
                        _warnedOfSendFailure = true;
                        _logger.LogWarning("Sending a discovery beacon to {Group} failed: {Reason}. Other nodes cannot discover this one until it works.", _groupEndPoint, error.Message);
                    }
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                try
                {
                    await Task.Delay(_options.Interval, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task ReceiveLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _socket.ReceiveAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException error)
                {
                    _logger.LogDebug("Receiving a discovery beacon failed: {Reason}", error.Message);
                    continue;
                }

                var beacon = Beacon.Open(received.Buffer, received.Buffer.Length, _keyring(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var refusal);
                if (beacon is null)
                {
                    _counters.Add(refusal!);
                    continue;
                }

                if (NameRules.SameNodeId(beacon.NodeId, _selfId))
                    continue;
                _counters.Add("discovery.beacons.received");
                if (IsDue(beacon.NodeId))
                    _discovered(WithSenderAddressIfUnspecified(beacon, received.RemoteEndPoint.Address));
            }
        }

        /// <summary>At most one report per member per interval: a network of many nodes does not dial in a loop.</summary>
        private bool IsDue(string nodeId)
        {
            var now = Environment.TickCount & int.MaxValue;
            if (_lastReported.TryGetValue(nodeId, out var last) && now - last < _options.Interval.TotalMilliseconds && now >= last)
                return false;
            _lastReported[nodeId] = now;
            return true;
        }

        /// <summary>A member that advertises an unspecified address is reached at the address its beacon came from.</summary>
        private static Beacon WithSenderAddressIfUnspecified(Beacon beacon, IPAddress sender) =>
            IPAddress.TryParse(beacon.Host, out var host) && (host.Equals(IPAddress.Any) || host.Equals(IPAddress.IPv6Any))
                ? new Beacon(beacon.NodeId, sender.ToString(), beacon.Port, beacon.SentAtUnixMs)
                : beacon;

        /// <summary>IPv6 names interfaces by index: the one that holds the address.</summary>
        /// <exception cref="SocketException">No interface holds it.</exception>
        private static int InterfaceIndexOf(IPAddress address)
        {
            foreach (var candidate in NetworkInterface.GetAllNetworkInterfaces())
            {
                var properties = candidate.GetIPProperties();
                foreach (var unicast in properties.UnicastAddresses)
                {
                    if (unicast.Address.Equals(address))
                        return properties.GetIPv6Properties().Index;
                }
            }

            throw new SocketException((int)SocketError.AddressNotAvailable);
        }

        private static bool IsSpecific(IPAddress address) => !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any);
    }
}
