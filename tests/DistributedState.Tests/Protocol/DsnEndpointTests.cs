using System;
using Xunit;

namespace DistributedState.Tests.Protocol
{
    public sealed class DsnEndpointTests
    {
        [Theory]
        [InlineData("monitor01:7946", "monitor01", 7946)]
        [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
        [InlineData("10.0.0.5:65535", "10.0.0.5", 65535)]
        [InlineData("[::1]:7946", "::1", 7946)]
        [InlineData("[fe80::1%eth0]:80", "fe80::1%eth0", 80)]
        [InlineData("[2001:db8::42]:9000", "2001:db8::42", 9000)]
        [InlineData("db.example.com:8080", "db.example.com", 8080)]
        [InlineData("xn--bcher-kva.example:443", "xn--bcher-kva.example", 443)]
        [InlineData("  web01:22  ", "web01", 22)]
        [InlineData("localhost:00080", "localhost", 80)]
        public void Parse_accepts_the_documented_forms(string text, string host, int port)
        {
            var endpoint = DsnEndpoint.Parse(text);
            Assert.Equal(host, endpoint.Host);
            Assert.Equal(port, endpoint.Port);
            Assert.True(DsnEndpoint.TryParse(text, out var tried));
            Assert.Equal(endpoint, tried);
        }

        [Theory]
        [InlineData("::1", "::1")]
        [InlineData("fe80::1", "fe80::1")]
        [InlineData("[::1]", "::1")]
        [InlineData("monitor01", "monitor01")]
        [InlineData("2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1")]
        public void A_bare_host_takes_the_default_port(string text, string host)
        {
            var endpoint = DsnEndpoint.Parse(text, 7946);
            Assert.Equal(host, endpoint.Host);
            Assert.Equal(7946, endpoint.Port);
        }

        [Theory]
        [InlineData("::1")]
        [InlineData("monitor01")]
        [InlineData("[::1]")]
        public void A_bare_host_without_a_default_port_is_refused(string text)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnEndpoint.Parse(text));
            Assert.Contains("no port", error.Message);
            Assert.False(DsnEndpoint.TryParse(text, out _));
        }

        [Theory]
        [InlineData("host:0", "port '0'")]
        [InlineData("host:65536", "port '65536'")]
        [InlineData("host:-1", "port '-1'")]
        [InlineData("host:abc", "port 'abc'")]
        [InlineData("host:", "port ''")]
        [InlineData("host:+80", "port '+80'")]
        [InlineData("host:8 0", "port '8 0'")]
        [InlineData("host:99999999999", "port '99999999999'")]
        [InlineData("[::1]:0", "port '0'")]
        [InlineData("[::1]:70000", "port '70000'")]
        public void Bad_ports_are_refused_with_the_allowed_range(string text, string fragment)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnEndpoint.Parse(text));
            Assert.Contains(fragment, error.Message);
            Assert.Contains("1 to 65535", error.Message);
            Assert.False(DsnEndpoint.TryParse(text, out _));
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("   ", "empty")]
        [InlineData(null, "empty")]
        [InlineData(":7946", "no host")]
        [InlineData("[]:7946", "no host")]
        [InlineData("[::1:7946", "without closing")]
        [InlineData("[::1]7946", "after ']'")]
        [InlineData("[::1]x:7946", "after ']'")]
        public void Malformed_endpoints_are_refused_with_the_expected_forms(string? text, string fragment)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnEndpoint.Parse(text!));
            Assert.Contains(fragment, error.Message);
            Assert.Contains("host:port", error.Message);
            Assert.False(DsnEndpoint.TryParse(text, out _));
        }

        [Theory]
        [InlineData("web01", 7946, "web01:7946")]
        [InlineData("::1", 7946, "[::1]:7946")]
        [InlineData("[::1]", 1, "[::1]:1")]
        public void ToString_round_trips_through_Parse(string host, int port, string expected)
        {
            var endpoint = new DsnEndpoint(host, port);
            Assert.Equal(expected, endpoint.ToString());
            Assert.Equal(endpoint, DsnEndpoint.Parse(endpoint.ToString()));
        }

        [Theory]
        [InlineData("", 1)]
        [InlineData("  ", 1)]
        [InlineData("h", 0)]
        [InlineData("h", 65536)]
        [InlineData("h", -1)]
        public void The_constructor_validates_host_and_port(string host, int port)
        {
            Assert.Throws<ArgumentException>(() => new DsnEndpoint(host, port));
        }

        [Fact]
        public void Equality_ignores_host_case()
        {
            Assert.Equal(new DsnEndpoint("Web01", 1), new DsnEndpoint("web01", 1));
            Assert.Equal(new DsnEndpoint("Web01", 1).GetHashCode(), new DsnEndpoint("web01", 1).GetHashCode());
            Assert.NotEqual(new DsnEndpoint("web01", 1), new DsnEndpoint("web01", 2));
        }
    }
}
