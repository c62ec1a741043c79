using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DistributedState.Internal
{
    /// <summary>
    /// What a member may advertise as its endpoint, the one rule for handshakes and gossip alike. Every node dials
    /// what members advertise, so an endpoint is a request to open a connection somewhere: it must be a well-formed
    /// host (a literal IP address or a DNS name) and port, must not be an address nobody can be reached at
    /// (unspecified, multicast, broadcast or reserved), and may be a loopback address only when this node heard it
    /// from its own host — otherwise a member elsewhere could make the node connect to services on its own host.
    /// </summary>
    internal static class EndpointRules
    {
        /// <summary>The longest DNS name (RFC 1035), in characters, without a trailing dot.</summary>
        public const int MaxHostLength = 253;

        private const int MaxLabelLength = 63;

        /// <summary>Null when <paramref name="host"/> is a literal IP address or a DNS name; otherwise what is wrong.</summary>
        public static string? HostProblem(string? host)
        {
            if (string.IsNullOrEmpty(host))
                return "the host is empty; it must be an IP address or a DNS name";
            if (host!.Length > MaxHostLength)
                return $"the host has {host.Length} characters; a DNS name has at most {MaxHostLength}";
            if (host.IndexOf(':') >= 0)
                return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? null
                    : $"the host '{NameRules.Sanitize(host)}' is neither an IPv6 address nor a DNS name";
            if (IsDigitsAndDots(host))
                return IsDottedQuad(host) ? null : $"the host '{host}' is not an IPv4 address in dotted form (a.b.c.d)";
            foreach (var label in host.Split('.'))
            {
                if (label.Length == 0 || label.Length > MaxLabelLength)
                    return $"the host '{NameRules.Sanitize(host)}' is not a DNS name: each dot-separated label has 1 to {MaxLabelLength} characters";
                if (label[0] == '-' || label[label.Length - 1] == '-')
                    return $"the host '{NameRules.Sanitize(host)}' is not a DNS name: a label may not begin or end with '-'";
                foreach (var c in label)
                {
                    if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' && c != '_')
                        return $"the host '{NameRules.Sanitize(host)}' is not a DNS name: it contains '{NameRules.Sanitize(c.ToString())}' (allowed: A-Z, a-z, 0-9, '-', '_' and dots between labels)";
                }
            }

            return null;
        }

        /// <summary>
        /// Null when a member may advertise <paramref name="host"/>:<paramref name="port"/> to a node that heard it on a
        /// connection from <paramref name="heardFrom"/> (the connection's remote address, <c>ip:port</c>); otherwise why not.
        /// </summary>
        public static string? AdvertisedProblem(string host, int port, string? heardFrom)
        {
            if (port < 1 || port > 65535)
                return $"port {port} is outside 1-65535";
            var problem = HostProblem(host);
            if (problem is not null)
                return problem;
            bool loopback;
            if (IPAddress.TryParse(host, out var address))
            {
                address = Unmapped(address);
                if (IsUnreachable(address, out var kind))
                    return $"{host} is {kind} address, which no member can be reached at";
                loopback = IPAddress.IsLoopback(address);
            }
            else
            {
                loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                    || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
            }

            if (loopback && !IsLoopback(heardFrom))
                return $"{host} is a loopback address, but it came from {NameRules.Sanitize(heardFrom ?? "an unknown address")}, which is not on this host";
            return null;
        }

        /// <summary>True when a connection's remote address (<c>ip:port</c> or <c>[ipv6]:port</c>) is on this host's loopback.</summary>
        public static bool IsLoopback(string? remoteAddress)
        {
            var address = AddressOf(remoteAddress);
            return address is not null && IPAddress.IsLoopback(Unmapped(address));
        }

        /// <summary>The IP address of <c>ip:port</c>, <c>[ipv6]:port</c> or a bare address; null if it is none.</summary>
        public static IPAddress? AddressOf(string? remoteAddress)
        {
            if (string.IsNullOrEmpty(remoteAddress))
                return null;
            var text = remoteAddress!;
            if (text.StartsWith("[", StringComparison.Ordinal))
            {
                var close = text.IndexOf(']');
                text = close > 0 ? text.Substring(1, close - 1) : text;
            }
            else if (text.IndexOf(':') == text.LastIndexOf(':') && text.IndexOf(':') > 0)
            {
                text = text.Substring(0, text.IndexOf(':')); // ipv4:port; a bare IPv6 address has several colons
            }

            return IPAddress.TryParse(text, out var address) ? address : null;
        }

        private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

        private static bool IsUnreachable(IPAddress address, out string kind)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                var first = address.GetAddressBytes()[0];
                kind = first == 0 ? "an unspecified" : first >= 240 ? "a broadcast or reserved" : first >= 224 ? "a multicast" : "";
                return kind.Length > 0;
            }

            kind = address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None) ? "an unspecified"
                : address.IsIPv6Multicast ? "a multicast" : "";
            return kind.Length > 0;
        }

        private static bool IsDigitsAndDots(string host)
        {
            foreach (var c in host)
            {
                if (!(c >= '0' && c <= '9') && c != '.')
                    return false;
            }

            return true;
        }

        private static bool IsDottedQuad(string host)
        {
            var parts = host.Split('.');
            if (parts.Length != 4)
                return false;
            foreach (var part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || (part.Length > 1 && part[0] == '0')
                    || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 255)
                    return false;
            }

            return true;
        }
    }
}
