using System.Linq;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class KeyBindingsTests
    {
        [Fact]
        public void A_binding_becomes_firm_but_never_provisional_again_and_NodeIds_compare_without_case()
        {
            var bindings = new KeyBindings();
            var binding = bindings.Bind("Web1", "aa", firm: false);
            Assert.False(binding.Firm);
            Assert.Same(binding, bindings.Bind("WEB1", "aa", firm: true));
            Assert.True(binding.Firm);
            bindings.Bind("web1", "aa", firm: false);
            Assert.True(binding.Firm);
            Assert.True(bindings.TryGet("wEb1", out var found));
            Assert.Equal("Web1", found.NodeId);
        }

        [Fact]
        public void Only_a_provisional_binding_of_the_key_that_did_not_answer_is_marked_unreachable()
        {
            var bindings = new KeyBindings();
            var provisional = bindings.Bind("a", "aa", firm: false);
            var firm = bindings.Bind("b", "bb", firm: true);
            bindings.NoteUnreachable("a", "other");
            Assert.False(provisional.Unreachable);
            bindings.NoteUnreachable("a", "aa");
            bindings.NoteUnreachable("b", "bb");
            Assert.True(provisional.Unreachable);
            Assert.False(firm.Unreachable);
            // A new key is a new binding: the old one's evidence does not carry over.
            Assert.False(bindings.Bind("a", "cc", firm: false).Unreachable);
        }

        [Fact]
        public void Bindings_of_forgotten_members_are_kept_up_to_the_capacity_and_dropped_oldest_first()
        {
            var bindings = new KeyBindings(retiredCapacity: 2);
            foreach (var id in new[] { "a", "b", "c", "d" })
                bindings.Bind(id, id + id, firm: true);
            Assert.Empty(bindings.Retire("a"));
            Assert.Empty(bindings.Retire("b"));
            Assert.Empty(bindings.Retire("b")); // twice is once
            bindings.Bind("a", "aa", firm: false); // a came back: a member again, not counted
            Assert.Empty(bindings.Retire("c"));
            var evicted = bindings.Retire("d");
            Assert.Equal(new[] { "b" }, evicted.Select(b => b.NodeId));
            Assert.False(bindings.TryGet("b", out _));
            Assert.Equal((4 - 1, 2), (bindings.Count, bindings.RetiredCount));
            Assert.True(bindings.TryGet("a", out var a));
            Assert.True(a.Firm);
        }

        [Fact]
        public void Members_never_count_against_the_capacity()
        {
            var bindings = new KeyBindings(retiredCapacity: 0);
            for (var i = 0; i < 100; i++)
                bindings.Bind("m" + i, "k", firm: true);
            Assert.Equal(100, bindings.Count);
            Assert.Single(bindings.Retire("m7"));
            Assert.Equal(99, bindings.Count);
        }
    }
}
