using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Dissemination;
using Xunit;

namespace DistributedState.Tests.Dissemination
{
    public sealed class RelayPolicyTests
    {
        [Theory]
        [InlineData(0, 0)]
        [InlineData(1, 1)]
        [InlineData(63, 63)]
        [InlineData(99, 99)]
        [InlineData(10, 12)] // sessions to members that departed meanwhile
        public void BudgetIsZeroWhenConnectedToEveryLiveMember(int liveOtherMembers, int connectedPeers) =>
            Assert.Equal(0, RelayPolicy.InitialBudget(liveOtherMembers, connectedPeers));

        [Theory]
        [InlineData(1, 0, 1)]
        [InlineData(2, 1, 2)]
        [InlineData(3, 1, 2)]
        [InlineData(4, 1, 3)]
        [InlineData(99, 64, 7)]
        [InlineData(127, 64, 7)]
        [InlineData(128, 64, 8)]
        public void BudgetIsCeilingOfLog2OfTheNetworkBelowTheCap(int liveOtherMembers, int connectedPeers, int expected) =>
            Assert.Equal(expected, RelayPolicy.InitialBudget(liveOtherMembers, connectedPeers));

        [Theory]
        [InlineData(255)]
        [InlineData(256)]
        [InlineData(999)]
        [InlineData(9_999)]
        [InlineData(1_000_000)]
        public void BudgetIsCappedAtEight(int liveOtherMembers)
        {
            Assert.Equal(RelayPolicy.MaxInitialBudget, RelayPolicy.InitialBudget(liveOtherMembers, 64));
            Assert.Equal(8, RelayPolicy.MaxInitialBudget);
        }

        [Theory]
        [InlineData(1, 3)]
        [InlineData(10, 3)]
        [InlineData(20, 4)]
        [InlineData(100, 5)]
        [InlineData(1_000, 7)]
        [InlineData(10_000, 10)]
        public void FanoutIsCeilingOfLnOfTheMemberCountAndAtLeastThree(int memberCount, int expected) =>
            Assert.Equal(expected, RelayPolicy.Fanout(memberCount));

        [Fact]
        public void FanoutStaysWithinOneOfLnNAndNeverShrinksAsTheNetworkGrows()
        {
            var previous = RelayPolicy.Fanout(0);
            for (var members = 0; members <= 200_000; members++)
            {
                var fanout = RelayPolicy.Fanout(members);
                var ln = Math.Log(members + 1);
                Assert.InRange(fanout, RelayPolicy.MinFanout, Math.Max(RelayPolicy.MinFanout, ln + 1));
                Assert.True(fanout >= ln, $"fanout {fanout} < ln({members} + 1)");
                Assert.True(fanout >= previous, $"fanout fell from {previous} to {fanout} at {members} members");
                previous = fanout;
            }
        }

        [Fact]
        public void TargetsAreDistinctConnectedPeersAndNeverTheSender()
        {
            var random = new Random(1);
            var targets = new List<int>();
            for (var trial = 0; trial < 2_000; trial++)
            {
                var peers = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(1_000)).Distinct().ToArray();
                var sender = random.Next(2) == 0 ? peers[random.Next(peers.Length)] : -1;
                var fanout = random.Next(1, 12);
                RelayPolicy.ChooseTargets(peers, sender, fanout, random, targets);

                Assert.DoesNotContain(sender, targets);
                Assert.Equal(targets.Count, targets.Distinct().Count());
                Assert.All(targets, t => Assert.Contains(t, peers));
                var candidates = peers.Count(p => p != sender);
                Assert.Equal(Math.Min(fanout, candidates), targets.Count);
            }
        }

        [Fact]
        public void FewerCandidatesThanTheFanoutAreAllChosen()
        {
            var targets = new List<string> { "left over from an earlier call" };
            RelayPolicy.ChooseTargets(new[] { "a", "b", "c" }, "b", fanout: 5, new Random(7), targets);
            Assert.Equal(new[] { "a", "c" }, targets.OrderBy(t => t, StringComparer.Ordinal));
        }

        [Fact]
        public void OnlyTheSenderConnectedMeansNoTargets()
        {
            var targets = new List<string>();
            RelayPolicy.ChooseTargets(new[] { "origin" }, "origin", fanout: 3, new Random(7), targets);
            Assert.Empty(targets);
        }

        [Fact]
        public void EveryCandidateIsEquallyLikelyToBeChosen()
        {
            // 19 candidates, 5 chosen each time: each should be picked in 5/19 of 19,000 trials, 5,000 times. The
            // standard deviation is about 61; a biased sampler (say, one favouring the first peers) misses by far more.
            const int trials = 19_000;
            var peers = Enumerable.Range(0, 20).ToArray();
            var counts = new int[peers.Length];
            var random = new Random(42);
            var targets = new List<int>();
            for (var trial = 0; trial < trials; trial++)
            {
                RelayPolicy.ChooseTargets(peers, 7, 5, random, targets);
                foreach (var target in targets)
                    counts[target]++;
            }

            Assert.Equal(0, counts[7]);
            foreach (var peer in peers.Where(p => p != 7))
                Assert.InRange(counts[peer], 4_700, 5_300);
        }
    }
}
