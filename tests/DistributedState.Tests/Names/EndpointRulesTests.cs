using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Names
{
    public sealed class EndpointRulesTests
    {
        private const string Remote = "10.1.2.3:50123";
        private const string Local = "127.0.0.1:50123";

        [Theory]
        [InlineData("10.0.0.5")]
        [InlineData("192.168.1.20")]
        [InlineData("fe80::1")]
        [InlineData("2001:db8::7")]
        [InlineData("monitor01")]
        [InlineData("web-01.example.com")]
        [InlineData("my_container")]
        [InlineData("1host")]
        public void Addresses_and_names_a_member_can_be_reached_at_are_accepted(string host) =>
            Assert.Null(EndpointRules.AdvertisedProblem(host, 7946, Remote));

        [Theory]
        [InlineData("", "empty")]
        [InlineData("web 01", "' '")]
        [InlineData("web01\n\u001b[31mred", "'?'")]
        [InlineData("-web", "may not begin or end with '-'")]
        [InlineData("web..example", "1 to 63 characters")]
        [InlineData("example.", "1 to 63 characters")]
        [InlineData("1", "dotted form")]
        [InlineData("127.1", "dotted form")]
        [InlineData("010.0.0.1", "dotted form")]
        [InlineData("256.0.0.1", "dotted form")]
        [InlineData("1::2::3", "neither an IPv6 address")]
        [InlineData("web01:7946", "neither an IPv6 address")]
        public void Malformed_hosts_are_refused_with_what_is_wrong(string host, string expected)
        {
            var problem = EndpointRules.AdvertisedProblem(host, 7946, Remote);
            Assert.NotNull(problem);
            Assert.Contains(expected, problem);
            Assert.DoesNotContain('\u001b', problem); // the reason is logged: nothing from the wire reaches the log raw
            Assert.DoesNotContain('\n', problem);
        }

        [Fact]
        public void A_host_longer_than_a_dns_name_is_refused() =>
            Assert.Contains("at most 253", EndpointRules.HostProblem(string.Join(".", new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 63))));

        [Theory]
        [InlineData(0)]
        [InlineData(65536)]
        [InlineData(-1)]
        public void Ports_outside_1_to_65535_are_refused(int port) =>
            Assert.Contains("outside 1-65535", EndpointRules.AdvertisedProblem("10.0.0.5", port, Remote));

        [Theory]
        [InlineData("0.0.0.0", "unspecified")]
        [InlineData("0.1.2.3", "unspecified")]
        [InlineData("::", "unspecified")]
        [InlineData("224.0.0.1", "multicast")]
        [InlineData("239.255.255.250", "multicast")]
        [InlineData("ff02::1", "multicast")]
        [InlineData("255.255.255.255", "broadcast")]
        [InlineData("::ffff:0.0.0.0", "unspecified")]
        public void Addresses_nobody_is_reached_at_are_refused_even_from_this_host(string host, string kind)
        {
            Assert.Contains(kind, EndpointRules.AdvertisedProblem(host, 7946, Remote));
            Assert.Contains(kind, EndpointRules.AdvertisedProblem(host, 7946, Local));
        }

        [Theory]
        [InlineData("127.0.0.1")]
        [InlineData("127.8.9.10")]
        [InlineData("::1")]
        [InlineData("::ffff:127.0.0.1")]
        [InlineData("localhost")]
        [InlineData("db.localhost")]
        public void Loopback_is_accepted_only_when_heard_from_this_host(string host)
        {
            Assert.Null(EndpointRules.AdvertisedProblem(host, 7946, "127.0.0.1:40000"));
            Assert.Null(EndpointRules.AdvertisedProblem(host, 7946, "[::1]:40000"));
            Assert.Null(EndpointRules.AdvertisedProblem(host, 7946, "[::ffff:127.0.0.1]:40000"));
            Assert.Contains("loopback", EndpointRules.AdvertisedProblem(host, 7946, Remote));
            Assert.Contains("loopback", EndpointRules.AdvertisedProblem(host, 7946, "[2001:db8::7]:40000"));
            Assert.Contains("loopback", EndpointRules.AdvertisedProblem(host, 7946, "unknown"));
            Assert.Contains("loopback", EndpointRules.AdvertisedProblem(host, 7946, null));
        }

        [Theory]
        [InlineData("127.0.0.1:5", "127.0.0.1")]
        [InlineData("[::1]:5", "::1")]
        [InlineData("::1", "::1")]
        [InlineData("10.0.0.1", "10.0.0.1")]
        [InlineData("unknown", null)]
        [InlineData("", null)]
        public void Remote_addresses_are_read_with_or_without_a_port(string remote, string? expected) =>
            Assert.Equal(expected, EndpointRules.AddressOf(remote)?.ToString());

        [Fact]
        public void An_alive_record_passes_the_node_id_rule_and_the_endpoint_rule()
        {
            using var key = IdentityKey.Create();
            Assert.Null(AliveRecordRules.Problem(AliveRecord.Create(key, "web01", 1, "10.0.0.5", 7946), Remote));

            var injected = AliveRecordRules.Problem(AliveRecord.Create(key, "web01\n\u001b[2J", 1, "10.0.0.5", 7946), Remote);
            Assert.Equal("members.rejected.invalid_node_id", injected!.Value.Counter);
            Assert.DoesNotContain('\u001b', injected.Value.Reason);
            Assert.DoesNotContain('\n', injected.Value.Reason);

            var scanner = AliveRecordRules.Problem(AliveRecord.Create(key, "web01", 1, "127.0.0.1", 6379), Remote);
            Assert.Equal("members.rejected.invalid_endpoint", scanner!.Value.Counter);
            Assert.Contains("'web01'", scanner.Value.Reason);
            Assert.Equal("members.rejected.invalid_endpoint", AliveRecordRules.Problem(AliveRecord.Create(key, "web01", 1, "10.0.0.5", 0), Remote)!.Value.Counter);
        }
    }
}
