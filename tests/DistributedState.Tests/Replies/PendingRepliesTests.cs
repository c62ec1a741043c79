using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using DistributedState.Internal;
using Xunit;

namespace DistributedState.Tests.Replies
{
    public sealed class PendingRepliesTests
    {
        private static PendingReplies<uint, string> Create(params uint[] draws)
        {
            var queue = new Queue<uint>(draws);
            return new PendingReplies<uint, string>(() => queue.Count > 0 ? queue.Dequeue() : UnguessableIds.NextUInt32());
        }

        [Fact]
        public async Task Only_an_allowed_responder_completes_a_request_and_gets_its_state()
        {
            var pending = Create();
            var (id, reply) = pending.Start("web01", "probe of web01");
            Assert.False(pending.TryComplete(id, "intruder", out _));
            Assert.False(reply.IsCompleted);
            pending.Allow(id, "helper");
            Assert.True(pending.TryComplete(id, "helper", out var state));
            Assert.Equal("probe of web01", state);
            await reply;
            Assert.False(pending.TryComplete(id, "web01", out _));
            Assert.Equal(0, pending.Count);
        }

        [Fact]
        public void Ids_are_never_zero_nor_one_in_use()
        {
            var pending = Create(0, 7, 7, 8);
            Assert.Equal(7u, pending.Start("a", "").Id);
            Assert.Equal(8u, pending.Start("b", "").Id);
        }

        [Fact]
        public void Random_ids_differ()
        {
            var pending = Create();
            var ids = new HashSet<uint>();
            for (var i = 0; i < 1000; i++)
                ids.Add(pending.Start("a", "").Id);
            Assert.Equal(1000, ids.Count);
        }

        [Fact]
        public async Task A_closed_responder_fails_its_requests_and_only_those()
        {
            var pending = Create();
            var closed = new object();
            var open = new object();
            var (_, lost) = pending.Start(closed, "x");
            var (kept, alive) = pending.Start(open, "y");
            pending.Fail(r => r == closed, () => new InvalidOperationException("closed"));
            await Assert.ThrowsAsync<InvalidOperationException>(() => lost);
            Assert.False(alive.IsCompleted);
            Assert.True(pending.TryComplete(kept, open, out _));
        }

        [Fact]
        public async Task Deadlines_expire_requests_and_FailAll_fails_the_rest()
        {
            var pending = Create();
            var (_, early) = pending.Start("a", "", deadlineMs: 100);
            var (_, late) = pending.Start("b", "", deadlineMs: 1000);
            pending.Expire(500);
            await Assert.ThrowsAsync<TaskCanceledException>(() => early);
            Assert.Equal(1, pending.Count);
            pending.FailAll(new ObjectDisposedException("node"));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => late);
            Assert.Equal(0, pending.Count);
        }

        [Fact]
        public async Task A_cancelled_request_is_cancelled_and_gone()
        {
            var pending = Create();
            var (id, reply) = pending.Start("a", "");
            pending.Cancel(id);
            await Assert.ThrowsAsync<TaskCanceledException>(() => reply);
            Assert.False(pending.TryComplete(id, "a", out _));
            pending.Cancel(id);
        }

        [Fact]
        public void A_removed_request_cannot_be_completed()
        {
            var pending = Create();
            var (id, reply) = pending.Start("a", "");
            pending.Remove(id);
            Assert.False(pending.TryComplete(id, "a", out _));
            Assert.False(reply.IsCompleted);
        }
    }
}
