using System;
using System.Linq;
using System.Net;
using DistributedState.Jepsen.Node;
using Xunit;

namespace DistributedState.Jepsen.Tests
{
    public sealed class NodeSettingsTests
    {
        [Fact]
        public void What_the_controller_writes_is_what_the_node_reads()
        {
            var settings = new NodeSettings
            {
                NodeId = "n3", Address = IPAddress.Parse("10.213.0.13"), KeyPath = "/tmp/k", IdentityPath = "/tmp/n3.identity",
                Bootstrap = new[] { new DsnEndpoint("10.213.0.11", 7946), new DsnEndpoint("10.213.0.12", 7946) },
                Peers = new[] { "n1", "n2" }, Run = 2, Seed = 77, Hold = true, WriteInterval = TimeSpan.FromMilliseconds(50), Keys = 4,
            };
            var parsed = NodeSettings.Parse(settings.ToArguments());
            Assert.Equal(settings.ToArguments(), parsed.ToArguments());
            Assert.Equal(new[] { "10.213.0.11:7946", "10.213.0.12:7946" }, parsed.Bootstrap.Select(b => $"{b.Host}:{b.Port}"));
            Assert.True(parsed.Hold);
        }

        [Fact]
        public void Unknown_or_incomplete_options_are_refused()
        {
            Assert.Contains("--colour is not an option", Assert.Throws<ArgumentException>(() => NodeSettings.Parse(new[] { "--id", "n1", "--address", "10.0.0.1", "--key", "k", "--identity", "i", "--colour", "red" })).Message);
            Assert.Contains("--key is required", Assert.Throws<ArgumentException>(() => NodeSettings.Parse(new[] { "--id", "n1", "--address", "10.0.0.1" })).Message);
        }
    }
}
