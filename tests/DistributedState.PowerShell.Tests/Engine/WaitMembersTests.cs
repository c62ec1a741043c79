using System.Linq;
using DistributedState.PowerShell.Engine;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class WaitMembersTests
    {
        private static readonly DsnPeer[] Peers =
        {
            RuntimeObjects.Peer("web02"), RuntimeObjects.Peer("web01", DsnPeerStatus.Suspect), RuntimeObjects.Peer("web03", DsnPeerStatus.Failed),
            RuntimeObjects.Peer("db01"),
        };

        [Fact]
        public void A_wildcard_stands_for_the_live_members_it_matches_sorted_and_each_once()
        {
            var ids = WaitMembers.Match(new[] { "web02", "WEB*" }, Peers, WaitMembers.IsLive, out var unmatched);
            Assert.Equal(new[] { "web02", "web01" }, ids);
            Assert.Empty(unmatched);
        }

        [Fact]
        public void A_literal_is_waited_for_even_unknown_and_an_empty_wildcard_is_reported()
        {
            var ids = WaitMembers.Match(new[] { "mail01", "mail*" }, Peers, WaitMembers.IsLive, out var unmatched);
            Assert.Equal(new[] { "mail01" }, ids);
            Assert.Equal(new[] { "mail*" }, unmatched);
        }

        [Fact]
        public void What_counts_is_the_waits_choice()
        {
            var ids = WaitMembers.Match(new[] { "web*" }, Peers, p => WaitMembers.IsLive(p) || p.Status == DsnPeerStatus.Failed, out _);
            Assert.Equal(new[] { "web01", "web02", "web03" }, ids);
        }

        [Fact]
        public void An_invalid_pattern_is_DsnPatternInvalid()
        {
            var ex = Assert.Throws<DsnCommandException>(() => WaitMembers.Match(new[] { "web[" }, Peers, WaitMembers.IsLive, out _));
            Assert.Equal("DsnPatternInvalid", ex.ErrorId);
        }
    }
}
