using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.Dissemination;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class ProbeSchedulerTests
    {
        private static readonly Func<string, bool> Anyone = _ => true;

        private static List<string> Probe(ProbeScheduler<string> scheduler, IReadOnlyList<string> members, int count,
            Func<string, bool>? isCandidate = null, Func<string, bool>? isConnected = null, bool beyondFullMesh = false)
        {
            var probed = new List<string>();
            for (var i = 0; i < count; i++)
            {
                Assert.True(scheduler.TryNext(members, isCandidate ?? Anyone, isConnected ?? Anyone, beyondFullMesh, out var target));
                probed.Add(target);
            }

            return probed;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        [InlineData(12)]
        [InlineData(100)]
        public void Every_round_probes_every_member_exactly_once(int size)
        {
            var members = Enumerable.Range(0, size).Select(i => "m" + i).ToList();
            var scheduler = new ProbeScheduler<string>(new Random(size));
            for (var round = 0; round < 5; round++)
                Assert.Equal(members.OrderBy(m => m), Probe(scheduler, members, size).OrderBy(m => m));
        }

        [Fact]
        public void Rounds_are_in_a_random_order_that_differs_between_rounds_and_nodes()
        {
            var members = Enumerable.Range(0, 50).Select(i => "m" + i).ToList();
            var first = new ProbeScheduler<string>(new Random(1));
            var second = new ProbeScheduler<string>(new Random(2));
            var roundOne = Probe(first, members, 50);
            Assert.NotEqual(members, roundOne);
            Assert.NotEqual(roundOne, Probe(first, members, 50));
            Assert.NotEqual(roundOne, Probe(second, members, 50));
        }

        [Fact]
        public void Skips_members_that_may_not_be_probed_and_reports_when_nobody_may()
        {
            var members = new[] { "self", "a", "gone", "b" };
            var scheduler = new ProbeScheduler<string>(new Random(3));
            var probed = Probe(scheduler, members, 20, m => m != "self" && m != "gone");
            Assert.Equal(new[] { "a", "b" }, probed.Distinct().OrderBy(m => m));
            Assert.False(scheduler.TryNext(members, _ => false, Anyone, false, out _));
            Assert.False(new ProbeScheduler<string>(new Random(4)).TryNext(Array.Empty<string>(), Anyone, Anyone, false, out _));
        }

        [Fact]
        public void A_member_that_joins_mid_round_is_probed_from_the_next_round()
        {
            var members = Enumerable.Range(0, 10).Select(i => "m" + i).ToList();
            var scheduler = new ProbeScheduler<string>(new Random(5));
            Probe(scheduler, members, 4);
            members.Add("new");
            Assert.Contains("new", Probe(scheduler, members, members.Count));
        }

        [Fact]
        public void Beyond_the_full_mesh_it_probes_neighbours_and_every_eighth_probe_an_unconnected_member()
        {
            var members = Enumerable.Range(0, 40).Select(i => "m" + i).ToList();
            var neighbours = new HashSet<string>(members.Take(10));
            var scheduler = new ProbeScheduler<string>(new Random(6));
            var probed = Probe(scheduler, members, 8 * ConnectionPolicy.UnconnectedProbeEvery, isConnected: neighbours.Contains, beyondFullMesh: true);
            for (var i = 0; i < probed.Count; i++)
            {
                var unconnectedTurn = (i + 1) % ConnectionPolicy.UnconnectedProbeEvery == 0;
                Assert.True(unconnectedTurn != neighbours.Contains(probed[i]), $"probe {i + 1} went to {probed[i]}.");
            }
        }

        [Fact]
        public void Beyond_the_full_mesh_with_every_member_connected_the_unconnected_turn_goes_to_a_neighbour()
        {
            var members = Enumerable.Range(0, 5).Select(i => "m" + i).ToList();
            var scheduler = new ProbeScheduler<string>(new Random(7));
            Assert.Equal(2 * ConnectionPolicy.UnconnectedProbeEvery, Probe(scheduler, members, 2 * ConnectionPolicy.UnconnectedProbeEvery, beyondFullMesh: true).Count);
        }
    }
}
