using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Turns the -Bootstrap argument into endpoints. Operators pass arrays, but also one string read from a file or
    /// an environment variable ("web01:7946, web02:7946"), and bare host names that mean the default port.
    /// </summary>
    public static class EndpointList
    {
        /// <summary>The port a bare host name means: the default port of <see cref="DsnNodeOptions.Port"/>.</summary>
        public static int DefaultPort { get; } = new DsnNodeOptions().Port;

        private static readonly char[] Separators = { ',', ';', ' ', '\t', '\r', '\n' };

        /// <summary>Parses every entry; duplicates are dropped, order is kept.</summary>
        /// <exception cref="DsnCommandException">DsnEndpointInvalid: one or more entries are not endpoints; the message lists each with the reason.</exception>
        public static IReadOnlyList<DsnEndpoint> Parse(IEnumerable<string?>? texts)
        {
            var endpoints = new List<DsnEndpoint>();
            var errors = new List<string>();
            var invalid = new List<string>();
            foreach (var item in (texts ?? Array.Empty<string>()).SelectMany(Split))
            {
                try
                {
                    var endpoint = DsnEndpoint.Parse(item, DefaultPort);
                    if (!endpoints.Contains(endpoint)) endpoints.Add(endpoint);
                }
                catch (ArgumentException ex)
                {
                    invalid.Add(item);
                    errors.Add(FirstSentence(ex.Message));
                }
            }

            if (errors.Count > 0)
                throw new DsnCommandException("DsnEndpointInvalid", DsnErrorCategory.InvalidArgument,
                    "Invalid bootstrap endpoint: " + string.Join("; ", errors) +
                    " Expected host:port, [IPv6]:port or a host name (port " + DefaultPort + " is assumed), for example 'monitor01:7946' or '[::1]:7946'.",
                    invalid.Count == 1 ? (object)invalid[0] : invalid.ToArray());
            return endpoints;
        }

        private static IEnumerable<string> Split(string? text)
        {
            if (text is null || text.Trim().Length == 0)
                return new[] { text ?? string.Empty };
            return text.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        }

        // DsnEndpoint's messages end with the expected forms; say those once for the whole list.
        private static string FirstSentence(string message)
        {
            var cut = message.IndexOf(". ", StringComparison.Ordinal);
            return cut < 0 ? message : message.Substring(0, cut + 1);
        }
    }
}
