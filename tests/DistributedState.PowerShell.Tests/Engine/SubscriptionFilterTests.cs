using System;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public sealed class SubscriptionFilterTests
    {
        [Fact]
        public void Nothing_given_matches_every_member_key_and_kind()
        {
            var filter = SubscriptionFilter.Build(null, null, null);
            Assert.Equal(DsnEventKinds.All, filter.Kinds);
            Assert.Null(filter.NodeIdMatches);
            Assert.Null(filter.KeyMatches);
        }

        [Fact]
        public void Patterns_match_like_Get_DsnData_any_of_them_and_ignoring_case()
        {
            var filter = SubscriptionFilter.Build(new[] { "web*", "db0[12]" }, new[] { "cpu" }, new[] { DsnEventKinds.StateChanged, DsnEventKinds.PeerJoined });
            Assert.Equal(DsnEventKinds.StateChanged | DsnEventKinds.PeerJoined, filter.Kinds);
            Assert.True(filter.NodeIdMatches!("WEB01"));
            Assert.True(filter.NodeIdMatches("db02"));
            Assert.False(filter.NodeIdMatches("db03"));
            Assert.True(filter.KeyMatches!("CPU"));
            Assert.False(filter.KeyMatches("cpu.load"));
        }

        [Fact]
        public void A_malformed_pattern_is_refused_with_its_ErrorId()
        {
            var error = Assert.Throws<DsnCommandException>(() => SubscriptionFilter.Build(new[] { "web[" }, null, null));
            Assert.Equal("DsnPatternInvalid", error.ErrorId);
        }
    }
}
