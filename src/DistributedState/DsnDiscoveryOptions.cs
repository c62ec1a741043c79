using System;
using System.Net;

namespace DistributedState
{
    /// <summary>
    /// Zero-configuration LAN discovery (<see cref="DsnNodeOptions.Discovery"/>): the node announces itself on a
    /// multicast group with beacons sealed by the network key and dials the members it hears of, as it dials bootstrap
    /// entries. Hosts without the network key learn nothing from the beacons and cannot inject members.
    /// </summary>
    public sealed class DsnDiscoveryOptions
    {
        /// <summary>The IPv4 group used by default: 239.255.77.46, in the organisation-local scope.</summary>
        public static IPAddress DefaultIPv4Group { get; } = IPAddress.Parse("239.255.77.46");

        /// <summary>An IPv6 site-local group for networks that use IPv6: ff05::77:46.</summary>
        public static IPAddress DefaultIPv6Group { get; } = IPAddress.Parse("ff05::77:46");

        /// <summary>The multicast group (IPv4 or IPv6). Default <see cref="DefaultIPv4Group"/>.</summary>
        public IPAddress Group { get; set; } = DefaultIPv4Group;

        /// <summary>The UDP port of the group. Default 7947 (beside the default TCP port 7946).</summary>
        public int Port { get; set; } = 7947;

        /// <summary>
        /// The local address of the interface to announce on and listen on; null uses the node's bind address when it
        /// is a specific one, otherwise the system's default multicast interface.
        /// </summary>
        public IPAddress? Interface { get; set; }

        /// <summary>How often the node announces itself. Default 2 s; a node also announces at start.</summary>
        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

        internal DsnDiscoveryOptions Copy() => new DsnDiscoveryOptions { Group = Group, Port = Port, Interface = Interface, Interval = Interval };
    }
}
