using System.Linq;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class NodeRegistryTests
    {
        private static readonly object Main = new object();
        private static readonly object Other = new object();

        private sealed class FakeNode
        {
            public FakeNode(string id, object? owner = null)
            {
                Id = id;
                Owner = owner ?? Main;
            }

            public string Id { get; }

            public object Owner { get; }

            public bool Running { get; set; } = true;

            public System.Exception? StopReason { get; set; }
        }

        private readonly NodeRegistry<FakeNode> _registry = new NodeRegistry<FakeNode>(n => n.Id, n => n.Running, n => n.Owner, n => n.StopReason);

        [Fact]
        public void With_no_node_there_is_no_default_and_resolving_fails_with_DsnNoNodeRunning()
        {
            Assert.Null(_registry.DefaultOf(Main));
            var ex = Assert.Throws<DsnCommandException>(() => _registry.Resolve(Main, null));
            Assert.Equal("DsnNoNodeRunning", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.ResourceUnavailable, ex.Category);
        }

        [Fact]
        public void The_only_node_is_the_default()
        {
            var a = new FakeNode("a");
            _registry.Add(a);
            Assert.Same(a, _registry.Resolve(Main, null));
        }

        [Fact]
        public void The_last_started_running_node_is_the_default()
        {
            var a = new FakeNode("a");
            var b = new FakeNode("b");
            _registry.Add(a);
            _registry.Add(b);
            Assert.Same(b, _registry.DefaultOf(Main));
            b.Running = false;
            Assert.Same(a, _registry.DefaultOf(Main));
            a.Running = false;
            Assert.Null(_registry.DefaultOf(Main));
        }

        [Fact]
        public void Removing_the_default_falls_back_to_the_previous_node()
        {
            var a = new FakeNode("a");
            var b = new FakeNode("b");
            _registry.Add(a);
            _registry.Add(b);
            Assert.True(_registry.Remove(b));
            Assert.False(_registry.Remove(b));
            Assert.Same(a, _registry.DefaultOf(Main));
        }

        [Fact]
        public void An_explicit_node_wins_over_the_default_but_must_run()
        {
            var a = new FakeNode("a");
            _registry.Add(a);
            _registry.Add(new FakeNode("b"));
            Assert.Same(a, _registry.Resolve(Main, a));
            a.Running = false;
            var ex = Assert.Throws<DsnCommandException>(() => _registry.Resolve(Main, a));
            Assert.Equal("DsnNodeStopped", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.InvalidOperation, ex.Category);
        }

        [Fact]
        public void A_node_that_stopped_by_itself_resolves_to_the_reason_given_or_as_the_last_default()
        {
            var older = new FakeNode("a");
            var self = new FakeNode("b");
            _registry.Add(older);
            _registry.Add(self);
            var reason = new DsnNodeStoppedException("b", "why");
            self.Running = false;
            self.StopReason = reason;
            Assert.Same(reason, Assert.Throws<DsnNodeStoppedException>(() => _registry.Resolve(Main, self)));
            Assert.Same(older, _registry.Resolve(Main, null)); // another node still runs: it is the default
            older.Running = false;
            Assert.Same(reason, Assert.Throws<DsnNodeStoppedException>(() => _registry.Resolve(Main, null)));
            Assert.Equal("DsnNoNodeRunning", Assert.Throws<DsnCommandException>(() => _registry.Resolve(Other, null)).ErrorId);
        }

        [Fact]
        public void A_running_NodeId_cannot_be_added_twice_in_any_case()
        {
            _registry.Add(new FakeNode("web01"));
            var ex = Assert.Throws<DsnCommandException>(() => _registry.Add(new FakeNode("WEB01")));
            Assert.Equal("DsnNodeAlreadyRunning", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.ResourceExists, ex.Category);
            Assert.Throws<DsnCommandException>(() => _registry.EnsureAvailable("web01", Main));
        }

        [Fact]
        public void A_stopped_node_is_listed_until_replaced_by_a_new_one_of_the_same_NodeId()
        {
            var old = new FakeNode("web01");
            _registry.Add(old);
            old.Running = false;
            Assert.Same(old, _registry.All.Single());
            var restarted = new FakeNode("web01");
            _registry.Add(restarted);
            Assert.Same(restarted, _registry.All.Single());
        }

        [Fact]
        public void TakeAll_empties_the_registry_newest_first()
        {
            _registry.Add(new FakeNode("a"));
            _registry.Add(new FakeNode("b"));
            Assert.Equal(new[] { "b", "a" }, _registry.TakeAll().Select(n => n.Id));
            Assert.Empty(_registry.All);
        }
    
        [Fact]
        public void Each_owner_has_its_own_nodes_and_default()
        {
            var a = new FakeNode("a", Main);
            var b = new FakeNode("b", Other);
            _registry.Add(a);
            _registry.Add(b);
            Assert.Same(a, _registry.DefaultOf(Main));
            Assert.Same(b, _registry.DefaultOf(Other));
            Assert.Same(a, _registry.OwnedBy(Main).Single());
            Assert.Equal(new[] { a, b }, _registry.All);
            Assert.Equal("DsnNoNodeRunning", Assert.Throws<DsnCommandException>(() => _registry.Resolve(new object(), null)).ErrorId);
        }

        [Fact]
        public void An_explicit_node_of_another_owner_is_used_as_given()
        {
            var theirs = new FakeNode("theirs", Other);
            _registry.Add(theirs);
            Assert.Same(theirs, _registry.Resolve(Main, theirs));
        }

        [Fact]
        public void A_running_NodeId_is_unique_across_owners_and_the_message_says_where_it_runs()
        {
            _registry.Add(new FakeNode("web01", Other));
            var ex = Assert.Throws<DsnCommandException>(() => _registry.Add(new FakeNode("web01", Main)));
            Assert.Equal("DsnNodeAlreadyRunning", ex.ErrorId);
            Assert.Contains("another session", ex.Message);
            Assert.Contains("in this session", Assert.Throws<DsnCommandException>(() => _registry.EnsureAvailable("web01", Other)).Message);
        }

        [Fact]
        public void TakeOwnedBy_empties_one_owner_newest_first_and_leaves_the_others()
        {
            _registry.Add(new FakeNode("a", Main));
            _registry.Add(new FakeNode("b", Other));
            _registry.Add(new FakeNode("c", Main));
            Assert.Equal(new[] { "c", "a" }, _registry.TakeOwnedBy(Main).Select(n => n.Id));
            Assert.Empty(_registry.OwnedBy(Main));
            Assert.Equal("b", _registry.All.Single().Id);
        }
    }
}
