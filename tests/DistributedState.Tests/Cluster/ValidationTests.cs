using System;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    public sealed class ValidationTests
    {
        [Theory]
        [InlineData("")]
        [InlineData("has space")]
        [InlineData("slash/")]
        [InlineData("ünïcode")]
        [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65 characters
        public async Task An_invalid_NodeId_is_an_ArgumentException_that_says_what_is_allowed(string nodeId)
        {
            var options = new TestCluster().Options(nodeId);
            var error = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options));
            Assert.Equal(("NodeId", DsnArgument.NodeId), (error.ParamName, error.Argument));
            Assert.Contains("A-Z, a-z, 0-9", error.Message.Replace("1 to 64 characters of ", ""));
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(65536)]
        public async Task An_invalid_port_is_an_ArgumentException(int port)
        {
            var options = new TestCluster().Options("a");
            options.Port = port;
            var error = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options));
            Assert.Contains("between 0", error.Message);
            Assert.Equal(DsnArgument.Option, error.Argument);
        }

        [Fact]
        public async Task Missing_key_and_bad_settings_are_ArgumentExceptions()
        {
            var options = new TestCluster().Options("a");
            options.NetworkKey = null;
            Assert.Contains("network key is required", (await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options))).Message);
            options = new TestCluster().Options("a");
            options.ProbeInterval = TimeSpan.Zero;
            Assert.Equal("ProbeInterval", (await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options))).ParamName);
            options = new TestCluster().Options("a");
            options.AllowedNodes["b"] = "not-a-key";
            Assert.Contains("130-character hex public key", (await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options))).Message);
            options = new TestCluster().Options("a");
            options.MaxValueBytes = 0;
            Assert.Equal("MaxValueBytes", (await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options))).ParamName);
        }

        [Theory]
        [InlineData("")]
        [InlineData("0123456789abcdef")] // 64 bits
        [InlineData("zz23456789abcdef0123456789abcdef")]
        public void Bad_key_material_is_an_ArgumentException(string hex)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnNetworkKey.Parse(hex));
            Assert.Contains("hexadecimal", error.Message);
        }

        [Fact]
        public async Task Invalid_keys_and_values_are_refused_and_change_nothing()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.MaxValueBytes = 1024;
            options.MaxStateBytes = 4096;
            var a = await cluster.StartAsync(options);
            a.SetData("ok", "1");

            Assert.Equal(DsnArgument.Key, Assert.Throws<DsnArgumentException>(() => a.SetData("", "v")).Argument);
            Assert.Contains("control character", Assert.Throws<DsnArgumentException>(() => a.SetData("bad\u0001key", "v")).Message);
            Assert.Contains("at most 256", Assert.Throws<DsnArgumentException>(() => a.SetData(new string('k', 257), "v")).Message);
            Assert.Equal(DsnArgument.Value, Assert.Throws<DsnArgumentException>(() => a.SetData("k", null!)).Argument);
            Assert.Contains("MaxValueBytes", Assert.Throws<DsnValueTooLargeException>(() => a.SetData("k", new string('v', 1025))).Message);
            var oversized = Assert.Throws<DsnValueTooLargeException>(() => a.SetData(new System.Collections.Generic.Dictionary<string, string>
                { ["fine"] = "1", ["big"] = new string('v', 2000) }));
            Assert.Equal(("big", 2000, 1024, "value"), (oversized.Key, oversized.Size, oversized.Limit, oversized.ParamName));
            Assert.Contains("'big'", oversized.Message);
            Assert.Contains("surrogate", Assert.Throws<DsnArgumentException>(() => a.SetData("k", "\ud800")).Message);
            Assert.Throws<DsnStateFullException>(() => a.SetData(new System.Collections.Generic.Dictionary<string, string>
            {
                ["x1"] = new string('v', 1000), ["x2"] = new string('v', 1000), ["x3"] = new string('v', 1000), ["x4"] = new string('v', 1000), ["x5"] = new string('v', 1000),
            }));
            // An invalid entry in a batch rejects the whole batch.
            Assert.Throws<DsnArgumentException>(() => a.SetData(new System.Collections.Generic.Dictionary<string, string> { ["fine"] = "1", [""] = "2" }));
            Assert.Equal(new System.Collections.Generic.Dictionary<string, string> { ["ok"] = "1" }, a.GetState("a"));
            Assert.Throws<DsnArgumentException>(() => a.RemoveData(""));

            await a.StopAsync();
            Assert.Throws<DsnNodeStoppedException>(() => a.SetData("k", "v"));
        }
    }
}
