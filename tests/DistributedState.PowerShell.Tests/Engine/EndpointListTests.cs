using System.Linq;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class EndpointListTests
    {
        [Fact]
        public void Accepts_host_port_ipv6_and_bare_names_with_the_default_port()
        {
            var endpoints = EndpointList.Parse(new[] { "monitor01:7000", "[::1]:7001", "web01" });
            Assert.Equal(new[] { "monitor01:7000", "[::1]:7001", "web01:7946" }, endpoints.Select(e => e.ToString()));
        }

        [Fact]
        public void Splits_one_string_on_commas_semicolons_and_white_space()
        {
            var endpoints = EndpointList.Parse(new[] { "a:1, b:2;c:3\n d:4" });
            Assert.Equal(new[] { "a:1", "b:2", "c:3", "d:4" }, endpoints.Select(e => e.ToString()));
        }

        [Fact]
        public void Drops_duplicates_case_insensitively_and_keeps_order()
        {
            var endpoints = EndpointList.Parse(new[] { "B:1", "a:1", "b:1" });
            Assert.Equal(new[] { "B:1", "a:1" }, endpoints.Select(e => e.ToString()));
        }

        [Fact]
        public void Null_or_no_input_means_no_bootstrap() =>
            Assert.Empty(EndpointList.Parse(null));

        [Theory]
        [InlineData("web01:0")]
        [InlineData("web01:65536")]
        [InlineData("web01:http")]
        [InlineData("[::1")]
        [InlineData(":7946")]
        [InlineData("")]
        [InlineData("   ")]
        public void Invalid_entries_are_DsnEndpointInvalid_naming_the_entry(string text)
        {
            var ex = Assert.Throws<DsnCommandException>(() => EndpointList.Parse(new[] { "ok:1", text }));
            Assert.Equal("DsnEndpointInvalid", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.InvalidArgument, ex.Category);
            Assert.Contains("Expected host:port", ex.Message);
        }

        [Fact]
        public void Every_invalid_entry_is_listed_once()
        {
            var ex = Assert.Throws<DsnCommandException>(() => EndpointList.Parse(new[] { "a:x", "b:0" }));
            Assert.Equal(new[] { "a:x", "b:0" }, (string[])ex.Target!);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(ex.Message, "Expected host:port"));
        }
    }
}
