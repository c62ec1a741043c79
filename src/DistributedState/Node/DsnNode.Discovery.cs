using System.Net.Sockets;
using DistributedState.Discovery;

namespace DistributedState
{
    // Zero-configuration discovery: beacons on a multicast group (Discovery/), and dialling the members they announce.
    public sealed partial class DsnNode
    {
        private DiscoveryService? _discovery;

        /// <summary>Joins the discovery group and starts announcing; a group that cannot be joined fails the start.</summary>
        private void StartDiscovery()
        {
            var options = _options.Discovery;
            if (options is null)
                return;
            try
            {
                _discovery = new DiscoveryService(options, _options.BindAddress, () => _keyring.Current, NodeId,
                    () => (_advertised!.Host, _advertised.Port), OnDiscovered, _counters, _logger);
            }
            catch (SocketException error)
            {
                throw new DsnBindException(options.Interface ?? options.Group, options.Port, error);
            }

            _discovery.Start();
            _logger.LogInformation("Node {Node} announces itself on {Group} port {Port}.", NodeId, options.Group, options.Port);
        }

        /// <summary>
        /// A member announced itself: dial it (expecting that NodeId, which the handshake then proves) unless this node
        /// is already connected to it, or is at its connection cap and already knows it.
        /// </summary>
        private void OnDiscovered(Beacon beacon)
        {
            if (!IsRunning)
                return;
            string boundKey; // a failed dial is held against the key the member is bound to, if any (none yet for a stranger)
            lock (_gate)
            {
                if (_sessions.IsConnected(beacon.NodeId) || _dialing.ContainsKey(beacon.NodeId))
                    return;
                var isKnown = _members.TryGet(beacon.NodeId, out var known);
                if (isKnown && !known.IsDeparted && BeyondFullMesh)
                    return;
                boundKey = isKnown ? known.PublicKeyHex : string.Empty;
            }

            _counters.Add("discovery.dials");
            _logger.LogDebug("Discovered {Peer} at {EndPoint}.", beacon.NodeId, beacon.EndPoint);
            _ = DialQuietlyAsync(beacon.NodeId, beacon.EndPoint, boundKey);
        }
    }
}
