using System.Linq;
using System.Net;
using DistributedState.Jepsen.Controller;
using Xunit;

namespace DistributedState.Jepsen.Tests
{
    public sealed class LinkRulesTests
    {
        private static IPAddress Address(string node) => IPAddress.Parse("10.213.0." + (10 + int.Parse(node.Substring(1))));

        private static string[] Rules(string script) => script.Split('\n').Where(l => l.StartsWith("add rule")).ToArray();

        [Fact]
        public void A_full_partition_drops_the_other_side_on_input_on_both_sides()
        {
            var partition = new Partition(PartitionShape.Full, new[] { "n1" }, new[] { "n2", "n3" }, null);
            Assert.Equal(new[] { "add rule inet dsj input ip saddr 10.213.0.12 drop", "add rule inet dsj input ip saddr 10.213.0.13 drop" },
                Rules(LinkRules.Render("n1", partition.DroppedPairs(), new LossyLink[0], Address)));
            Assert.Equal(new[] { "add rule inet dsj input ip saddr 10.213.0.11 drop" }, Rules(LinkRules.Render("n2", partition.DroppedPairs(), new LossyLink[0], Address)));
        }

        [Fact]
        public void A_one_way_partition_drops_only_on_the_deaf_side()
        {
            var partition = new Partition(PartitionShape.OneWay, new[] { "n1" }, new[] { "n2", "n3" }, null);
            Assert.Equal(2, Rules(LinkRules.Render("n1", partition.DroppedPairs(), new LossyLink[0], Address)).Length);
            Assert.Empty(Rules(LinkRules.Render("n2", partition.DroppedPairs(), new LossyLink[0], Address)));
        }

        [Fact]
        public void A_bridge_node_keeps_both_sides()
        {
            var partition = new Partition(PartitionShape.Bridge, new[] { "n1" }, new[] { "n2" }, "n3");
            Assert.Empty(Rules(LinkRules.Render("n3", partition.DroppedPairs(), new LossyLink[0], Address)));
            Assert.Single(Rules(LinkRules.Render("n1", partition.DroppedPairs(), new LossyLink[0], Address)));
        }

        [Fact]
        public void Loss_drops_a_random_share_at_both_ends_and_a_cut_overrides_it()
        {
            var loss = new[] { new LossyLink("n1", "n2", 20) };
            Assert.Equal(new[] { "add rule inet dsj input ip saddr 10.213.0.12 numgen random mod 100 < 20 drop" }, Rules(LinkRules.Render("n1", new (string, string)[0], loss, Address)));
            Assert.Equal(new[] { "add rule inet dsj input ip saddr 10.213.0.11 numgen random mod 100 < 20 drop" }, Rules(LinkRules.Render("n2", new (string, string)[0], loss, Address)));
            Assert.Equal(new[] { "add rule inet dsj input ip saddr 10.213.0.12 drop" }, Rules(LinkRules.Render("n1", new[] { ("n2", "n1") }, loss, Address)));
        }

        [Fact]
        public void Every_script_replaces_the_whole_table_so_a_heal_is_the_empty_script()
        {
            var script = LinkRules.Render("n1", new (string, string)[0], new LossyLink[0], Address);
            Assert.StartsWith("add table inet dsj\nflush table inet dsj\nadd chain inet dsj input { type filter hook input priority 0; policy accept; }\n", script);
            Assert.Empty(Rules(script));
        }

        [Fact]
        public void A_slow_link_is_a_token_bucket_and_clears()
        {
            Assert.Equal("qdisc replace dev eth0 root tbf rate 128kbit burst 4kb latency 300ms", string.Join(" ", LinkRules.SlowQdisc("eth0", 128, 300)));
            Assert.Equal("qdisc del dev eth0 root", string.Join(" ", LinkRules.ClearQdisc("eth0")));
        }
    }
}
