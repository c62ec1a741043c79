using System;
using System.Globalization;

namespace DistributedState
{
    /// <summary>
    /// A host name or address and a TCP port, as given by an operator: <c>host:port</c>, <c>[v6]:port</c>
    /// or a DNS name. Resolution happens when a node connects, so DNS names stay valid if addresses change.
    /// </summary>
    public sealed class DsnEndpoint : IEquatable<DsnEndpoint>
    {
        /// <summary>Creates an endpoint from a host (name, IPv4 or IPv6 address) and a port.</summary>
        /// <exception cref="ArgumentException">The host is empty or the port is outside 1–65535.</exception>
        public DsnEndpoint(string host, int port)
        {
            if (string.IsNullOrWhiteSpace(host))
                throw new ArgumentException("The host must be a DNS name or an IP address; it was empty.", nameof(host));
            if (port < 1 || port > 65535)
                throw new ArgumentException($"The port must be between 1 and 65535; it was {port}.", nameof(port));
            Host = host.Trim().TrimStart('[').TrimEnd(']');
            Port = port;
        }

        /// <summary>The DNS name or IP address (IPv6 without brackets).</summary>
        public string Host { get; }

        /// <summary>The TCP port.</summary>
        public int Port { get; }

        /// <summary>
        /// Parses <c>host:port</c>, <c>[ipv6]:port</c> or, when <paramref name="defaultPort"/> is given, a bare host.
        /// </summary>
        /// <exception cref="ArgumentException">The text is not an endpoint; the message says which form is expected.</exception>
        public static DsnEndpoint Parse(string text, int? defaultPort = null)
        {
            if (TryParse(text, defaultPort, out var endpoint, out var error))
                return endpoint!;
            throw new ArgumentException(error, nameof(text));
        }

        /// <summary>Tries to parse an endpoint; see <see cref="Parse"/>.</summary>
        public static bool TryParse(string? text, out DsnEndpoint endpoint)
        {
            var ok = TryParse(text, null, out var parsed, out _);
            endpoint = parsed!;
            return ok;
        }

        internal static bool TryParse(string? text, int? defaultPort, out DsnEndpoint? endpoint, out string error)
        {
            endpoint = null;
            const string expected = "Expected host:port, [IPv6]:port or a DNS name with a port, for example 'monitor01:7946' or '[::1]:7946'.";
            if (string.IsNullOrWhiteSpace(text))
            {
                error = "The endpoint is empty. " + expected;
                return false;
            }

            var value = text!.Trim();
            string host;
            string? portText;
            if (value.StartsWith("[", StringComparison.Ordinal))
            {
                var close = value.IndexOf(']');
                if (close < 0)
                {
                    error = $"'{value}' opens '[' without closing it. " + expected;
                    return false;
                }

                host = value.Substring(1, close - 1);
                var rest = value.Substring(close + 1);
                if (rest.Length == 0) portText = null;
                else if (rest[0] == ':') portText = rest.Substring(1);
                else
                {
                    error = $"'{value}' has text after ']' that is not ':port'. " + expected;
                    return false;
                }
            }
            else
            {
                var firstColon = value.IndexOf(':');
                var lastColon = value.LastIndexOf(':');
                if (firstColon >= 0 && firstColon != lastColon)
                {
                    // A bare IPv6 address: only valid without a port.
                    host = value;
                    portText = null;
                }
                else if (lastColon >= 0)
                {
                    host = value.Substring(0, lastColon);
                    portText = value.Substring(lastColon + 1);
                }
                else
                {
                    host = value;
                    portText = null;
                }
            }

            if (host.Length == 0 || host.Trim().Length != host.Length)
            {
                error = $"'{value}' has no host. " + expected;
                return false;
            }

            int port;
            if (portText is null)
            {
                if (defaultPort is null)
                {
                    error = $"'{value}' has no port. " + expected;
                    return false;
                }

                port = defaultPort.Value;
            }
            else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535)
            {
                error = $"'{value}' has port '{portText}'; a port is a number from 1 to 65535. " + expected;
                return false;
            }

            endpoint = new DsnEndpoint(host, port);
            error = string.Empty;
            return true;
        }

        /// <summary>Returns <c>host:port</c>, with brackets around IPv6 addresses.</summary>
        public override string ToString() =>
            Host.IndexOf(':') >= 0 ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

        /// <inheritdoc/>
        public bool Equals(DsnEndpoint? other) =>
            other is not null && Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => Equals(obj as DsnEndpoint);

        /// <inheritdoc/>
        public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Host) * 31 + Port;
    }
}
