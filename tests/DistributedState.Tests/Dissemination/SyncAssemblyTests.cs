using System;
using System.Linq;
using DistributedState.Dissemination;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Dissemination
{
    /// <summary>Gathering a sync answer over several messages, and refusing answers in an order no honest sender uses.</summary>
    public sealed class SyncAssemblyTests : IDisposable
    {
        private readonly IdentityKey _key = IdentityKey.Create();
        private readonly SigningOwner _owner;
        private readonly SignedBatch _b1;
        private readonly SignedBatch _b2;
        private readonly SignedBatch _b3;

        public SyncAssemblyTests()
        {
            _owner = new SigningOwner(_key, "db");
            _b1 = _owner.Batch(100, 100, 101, ("a", 101, "1"));
            _b2 = _owner.Batch(100, 101, 102, ("b", 102, "2"));
            _b3 = _owner.Batch(100, 102, 103, ("c", 103, "3"));
        }

        public void Dispose() => _key.Dispose();

        private static SyncMessage Sync(bool more, params SignedBatch[] batches) => new SyncMessage("db", 0, batches, more);

        [Fact]
        public void A_single_message_is_a_whole_answer()
        {
            var assembly = new SyncAssembly();
            Assert.Equal(SyncStep.Complete, assembly.Add(Sync(false, _b1, _b2), long.MaxValue));
            var answer = assembly.Take();
            Assert.Equal(("db", 0L), (answer.Owner, answer.FromVersion));
            Assert.Equal(new[] { 101L, 102L }, answer.Batches.Select(b => b.Version));
            Assert.Null(assembly.Owner);
        }

        [Fact]
        public void Messages_marked_more_follow_are_gathered_until_the_last()
        {
            var assembly = new SyncAssembly();
            Assert.Equal(SyncStep.Waiting, assembly.Add(Sync(true, _b1), long.MaxValue));
            Assert.Equal(SyncStep.Waiting, assembly.Add(Sync(true, _b2), long.MaxValue));
            Assert.Equal(SyncStep.Complete, assembly.Add(Sync(false, _b3), long.MaxValue));
            Assert.Null(assembly.Abandoned);
            Assert.Equal(new[] { 101L, 102L, 103L }, assembly.Take().Batches.Select(b => b.Version));
        }

        [Theory]
        [InlineData("reordered")]
        [InlineData("repeated")]
        [InlineData("reordered across messages")]
        [InlineData("two epochs")]
        public void Batches_that_are_not_strictly_ascending_in_one_epoch_are_refused_and_dropped(string how)
        {
            var assembly = new SyncAssembly();
            var step = how switch
            {
                "reordered" => assembly.Add(Sync(false, _b2, _b1), long.MaxValue),
                "repeated" => assembly.Add(Sync(false, _b1, _b1, _b2), long.MaxValue),
                "reordered across messages" => Second(assembly.Add(Sync(true, _b2), long.MaxValue), () => assembly.Add(Sync(false, _b1), long.MaxValue)),
                _ => assembly.Add(Sync(false, _b1, _owner.Batch(200, 200, 201, ("a", 201, "new run"))), long.MaxValue),
            };
            Assert.Equal(SyncStep.Unordered, step);
            Assert.Null(assembly.Owner);
            // The next answer starts afresh.
            Assert.Equal(SyncStep.Complete, assembly.Add(Sync(false, _b3), long.MaxValue));
            Assert.Single(assembly.Take().Batches);
        }

        private static SyncStep Second(SyncStep first, Func<SyncStep> then)
        {
            Assert.Equal(SyncStep.Waiting, first);
            return then();
        }

        [Fact]
        public void A_message_that_does_not_continue_an_unfinished_answer_abandons_it()
        {
            var assembly = new SyncAssembly();
            assembly.Add(Sync(true, _b1), long.MaxValue);
            Assert.Equal(SyncStep.Complete, assembly.Add(new SyncMessage("web", 0, Array.Empty<SignedBatch>()), long.MaxValue));
            Assert.Equal("db", assembly.Abandoned);
            Assert.Equal("web", assembly.Take().Owner);

            assembly.Add(Sync(true, _b1), long.MaxValue);
            Assert.Equal(SyncStep.Complete, assembly.Add(new SyncMessage("db", 101, new[] { _b2 }), long.MaxValue)); // another from-version
            Assert.Equal("db", assembly.Abandoned);
            Assert.Equal(101, assembly.Take().FromVersion);
        }

        [Fact]
        public void An_answer_beyond_the_budget_is_refused_and_dropped()
        {
            var assembly = new SyncAssembly();
            var budget = _b1.Size + _b2.Size;
            Assert.Equal(SyncStep.Waiting, assembly.Add(Sync(true, _b1, _b2), budget));
            Assert.Equal(SyncStep.Oversized, assembly.Add(Sync(false, _b3), budget));
            Assert.Null(assembly.Owner);
        }
    }
}
