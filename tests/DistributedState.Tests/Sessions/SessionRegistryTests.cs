using System.Collections.Generic;
using DistributedState.Sessions;
using Xunit;

namespace DistributedState.Tests.Sessions
{
    public sealed class SessionRegistryTests
    {
        private sealed class Stub : IRegisteredSession
        {
            public Stub(string peerId, bool initiated, long openedAt = 0)
            {
                PeerId = peerId;
                Initiated = initiated;
                OpenedAt = openedAt;
            }

            public string PeerId { get; }
            public bool Initiated { get; }
            public bool IsOpen => ClosedBecause is null;
            public long OpenedAt { get; }
            public string? ClosedBecause { get; private set; }
            public void Close(string reason) => ClosedBecause ??= reason;
        }

        [Fact]
        public void Both_ends_of_a_pair_prefer_the_session_the_smaller_NodeId_opened()
        {
            var atA = new SessionRegistry<Stub>("a");
            var aDialled = new Stub("b", initiated: true);
            var bDialled = new Stub("b", initiated: false);
            atA.Add(bDialled);
            atA.Add(aDialled);
            Assert.Same(aDialled, atA.Preferred("b"));

            var atB = new SessionRegistry<Stub>("b");
            var fromA = new Stub("a", initiated: false);
            var toA = new Stub("a", initiated: true);
            atB.Add(toA);
            atB.Add(fromA);
            Assert.Same(fromA, atB.Preferred("a")); // the same connection, seen from the other end
        }

        [Fact]
        public void The_tie_break_ignores_case_like_every_NodeId_comparison()
        {
            var registry = new SessionRegistry<Stub>("B");
            var dialled = new Stub("a", initiated: true);
            var accepted = new Stub("a", initiated: false);
            registry.Add(dialled);
            registry.Add(accepted);
            Assert.Same(accepted, registry.Preferred("A")); // "a" < "B" ignoring case, so a's dial wins
            Assert.True(registry.IsConnected("A"));
        }

        [Fact]
        public void A_closed_preferred_session_falls_back_to_any_open_one_and_none_gives_null()
        {
            var registry = new SessionRegistry<Stub>("a");
            var preferred = new Stub("b", initiated: true);
            var other = new Stub("b", initiated: false);
            registry.Add(preferred);
            registry.Add(other);
            preferred.Close("test");
            Assert.Same(other, registry.Preferred("b"));
            other.Close("test");
            Assert.Null(registry.Preferred("b"));
            Assert.Null(registry.Preferred("nobody"));
        }

        [Fact]
        public void Duplicates_close_only_after_the_grace_period_of_the_preferred_session()
        {
            var registry = new SessionRegistry<Stub>("a");
            var preferred = new Stub("b", initiated: true, openedAt: 1000);
            var duplicate = new Stub("b", initiated: false, openedAt: 900);
            registry.Add(preferred);
            registry.Add(duplicate);

            registry.CloseDuplicates(now: 2999, graceMs: 2000);
            Assert.True(duplicate.IsOpen);
            registry.CloseDuplicates(now: 3000, graceMs: 2000);
            Assert.Equal("duplicate connection", duplicate.ClosedBecause);
            Assert.True(preferred.IsOpen);
        }

        [Fact]
        public void Removing_the_last_session_of_a_peer_forgets_the_peer()
        {
            var registry = new SessionRegistry<Stub>("a");
            var first = new Stub("b", initiated: true);
            var second = new Stub("b", initiated: false);
            registry.Add(first);
            registry.Add(second);
            registry.Remove(first);
            Assert.Equal(1, registry.PeerCount);
            registry.Remove(second);
            Assert.Equal(0, registry.PeerCount);
            Assert.False(registry.IsConnected("b"));
            registry.Remove(second); // a second close report changes nothing
            Assert.Empty(registry.All());
        }

        [Fact]
        public void Shedding_candidates_are_peers_whose_every_session_is_old_enough()
        {
            var registry = new SessionRegistry<Stub>("a");
            registry.Add(new Stub("old", initiated: true, openedAt: 0));
            registry.Add(new Stub("mixed", initiated: true, openedAt: 0));
            registry.Add(new Stub("mixed", initiated: false, openedAt: 9000));
            registry.Add(new Stub("young", initiated: true, openedAt: 9500));
            Assert.Equal(new List<string> { "old" }, registry.PeersSettledFor(now: 10000, minAgeMs: 2000));
        }

        [Fact]
        public void CloseTo_closes_every_session_to_the_peer_and_no_other()
        {
            var registry = new SessionRegistry<Stub>("a");
            var one = new Stub("b", initiated: true);
            var two = new Stub("b", initiated: false);
            var bystander = new Stub("c", initiated: true);
            registry.Add(one);
            registry.Add(two);
            registry.Add(bystander);
            registry.CloseTo("B", "the peer left");
            Assert.Equal("the peer left", one.ClosedBecause);
            Assert.Equal("the peer left", two.ClosedBecause);
            Assert.True(bystander.IsOpen);
        }
    }
}
