using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    public sealed class DirectMessageTests
    {
        [Fact]
        public async Task A_message_is_delivered_exactly_once_with_the_senders_NodeId()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var received = new ConcurrentQueue<DsnDataReceivedEventArgs>();
            b.DataReceived += (_, e) => received.Enqueue(e);
            var payload = new byte[] { 0, 1, 2, 255, 254, 0 };
            await a.SendAsync("b", payload);
            await Eventually.HoldsAsync(() => received.Count == 1, "b received the message");
            var message = Assert.Single(received);
            Assert.Equal("a", message.SenderId);
            Assert.Equal(payload, message.Data);
        }

        [Fact]
        public async Task Sending_to_itself_raises_DataReceived_locally()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var received = new ConcurrentQueue<DsnDataReceivedEventArgs>();
            a.DataReceived += (_, e) => received.Enqueue(e);
            await a.SendAsync("a", new byte[] { 42 });
            await Eventually.HoldsAsync(() => received.Count == 1, "a received its own message");
            Assert.Equal(("a", (byte)42), (received.Single().SenderId, received.Single().Data.Single()));
        }

        [Fact]
        public async Task A_one_mebibyte_payload_arrives_intact()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var payload = new byte[1024 * 1024];
            new Random(1).NextBytes(payload);
            byte[]? got = null;
            b.DataReceived += (_, e) => got = e.Data;
            await a.SendAsync("b", payload);
            await Eventually.HoldsAsync(() => got is not null, "b received 1 MiB");
            Assert.Equal(payload, got);
        }

        [Fact]
        public async Task Unknown_departed_and_oversized_sends_fail_with_specific_exceptions()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var unknown = await Assert.ThrowsAsync<DsnNodeNotFoundException>(() => a.SendAsync("nobody", new byte[1]));
            Assert.Equal("nobody", unknown.NodeId);

            var tooLarge = await Assert.ThrowsAsync<DsnMessageTooLargeException>(() => a.SendAsync("b", new byte[1024 * 1024 + 1]));
            Assert.Equal(1024 * 1024, tooLarge.Limit);

            await b.StopAsync();
            await a.WaitForPeerAsync("b", DsnPeerStatus.Left, TestCluster.Patience);
            var departed = await Assert.ThrowsAsync<DsnPeerUnavailableException>(() => a.SendAsync("b", new byte[1]));
            Assert.Equal(DsnPeerStatus.Left, departed.Status);
            await Assert.ThrowsAsync<ArgumentNullException>(() => a.SendAsync("b", null!));
            await Assert.ThrowsAsync<DsnNodeStoppedException>(() => b.SendAsync("a", new byte[1]));
        }
    }
}
