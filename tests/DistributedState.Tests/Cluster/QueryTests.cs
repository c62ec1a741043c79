using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>Fleet queries on real loopback nodes: asked once, answered by each member directly to the asker.</summary>
    public sealed class QueryTests
    {
        private static async Task<DsnNode[]> StartNetworkAsync(TestCluster cluster, int count)
        {
            var first = await cluster.StartAsync("q1");
            var nodes = new[] { first }.Concat(await Task.WhenAll(Enumerable.Range(2, count - 1).Select(i => cluster.StartAsync("q" + i, first)))).ToArray();
            await Eventually.HoldsAsync(() => nodes.All(n => n.GetPeers().Count(p => p.Status == DsnPeerStatus.Alive) == count), "formed");
            return nodes;
        }

        [Fact]
        public async Task Every_member_answers_once_and_the_query_ends_when_all_have()
        {
            await using var cluster = new TestCluster();
            var nodes = await StartNetworkAsync(cluster, 4);
            foreach (var node in nodes)
                node.SetQueryHandler("whoami", q => Encoding.UTF8.GetBytes($"{q.AskerId} asked {node.NodeId}: {q.Text}"));
            var streamed = 0;
            var clock = Stopwatch.StartNew();
            var answers = await nodes[1].QueryAsync("whoami", Encoding.UTF8.GetBytes("hello"),
                new DsnQueryOptions { Timeout = TimeSpan.FromSeconds(20) }, _ => System.Threading.Interlocked.Increment(ref streamed));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the query waited {clock.Elapsed} although everyone answered");
            Assert.Equal(new[] { "q1", "q2", "q3", "q4" }, answers.Select(a => a.NodeId).OrderBy(id => id));
            Assert.All(answers, a => Assert.Equal($"q2 asked {a.NodeId}: hello", a.Text));
            Assert.All(answers, a => Assert.True(a.Latency > TimeSpan.Zero));
            Assert.Equal(4, streamed);
        }

        [Fact]
        public async Task Targets_limit_who_answers_and_an_event_handler_can_answer()
        {
            await using var cluster = new TestCluster();
            var nodes = await StartNetworkAsync(cluster, 3);
            foreach (var node in nodes)
                node.QueryReceived += (_, q) => q.Respond("load of " + node.NodeId);
            var options = new DsnQueryOptions { Timeout = TimeSpan.FromSeconds(20) };
            options.Targets.Add("Q3"); // NodeIds ignore case
            var answers = await nodes[0].QueryAsync("load", new byte[0], options);
            var answer = Assert.Single(answers);
            Assert.Equal(("q3", "load of q3"), (answer.NodeId, answer.Text));
            await Eventually.HoldsAsync(() => nodes[1].GetStatistics()["queries.received"] == 1, "q2 received it too, and did not answer");
            Assert.Equal(0, nodes[1].GetStatistics()["queries.answered"]);
        }

        [Fact]
        public async Task Silence_ends_at_the_timeout_with_the_answers_so_far()
        {
            await using var cluster = new TestCluster();
            var nodes = await StartNetworkAsync(cluster, 3);
            nodes[2].SetQueryHandler("slow", _ => Encoding.UTF8.GetBytes("fast one"));
            var clock = Stopwatch.StartNew();
            var answers = await nodes[0].QueryAsync("slow", new byte[0], new DsnQueryOptions { Timeout = TimeSpan.FromMilliseconds(800) });
            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(10));
            Assert.Equal("q3", Assert.Single(answers).NodeId);
        }

        [Fact]
        public async Task Bad_queries_are_refused_with_what_is_wrong()
        {
            await using var cluster = new TestCluster();
            var node = await cluster.StartAsync("q1");
            await Assert.ThrowsAsync<DsnArgumentException>(() => node.QueryAsync("", new byte[0]));
            await Assert.ThrowsAsync<DsnArgumentException>(() => node.QueryAsync(new string('x', 129), new byte[0]));
            await Assert.ThrowsAsync<DsnArgumentException>(() => node.QueryAsync("q", new byte[0], new DsnQueryOptions { Timeout = TimeSpan.FromHours(1) }));
            var badTarget = new DsnQueryOptions();
            badTarget.Targets.Add("web 01");
            var error = await Assert.ThrowsAsync<DsnArgumentException>(() => node.QueryAsync("q", new byte[0], badTarget));
            Assert.Equal(DsnArgument.NodeId, error.Argument);
            await Assert.ThrowsAsync<DsnMessageTooLargeException>(() => node.QueryAsync("q", new byte[cluster.Options("x").MaxMessageBytes + 1]));
        }

        [Fact]
        public void A_query_changed_in_transit_or_signed_by_another_key_fails_verification()
        {
            using var asker = IdentityKey.Create();
            using var other = IdentityKey.Create();
            var query = QueryMessage.Create(asker, 2, 42, "q1", 1_800_000_000_000, "uptime", new[] { "q2" }, new byte[] { 1 });
            using var verifier = SignatureVerifier.For(asker.PublicKey);
            Assert.True(query.IsSignedBy(verifier));
            Assert.True(query.WithRelayBudget(0).IsSignedBy(verifier)); // relays may lower the budget, nothing else
            var changed = new QueryMessage(2, 42, "q1", 1_800_000_000_000, "uptime", new string[0], new byte[] { 1 }, query.Signature);
            Assert.False(changed.IsSignedBy(verifier)); // the targets widened
            var forged = QueryMessage.Create(other, 2, 42, "q1", 1_800_000_000_000, "uptime", new[] { "q2" }, new byte[] { 1 });
            Assert.False(forged.IsSignedBy(verifier));
        }
    }
}
