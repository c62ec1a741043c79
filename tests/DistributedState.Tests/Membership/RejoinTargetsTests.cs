using System;
using System.Collections.Generic;
using DistributedState.Membership;
using Xunit;

namespace DistributedState.Tests.Membership
{
    public sealed class RejoinTargetsTests
    {
        private static readonly DsnEndpoint Self = new DsnEndpoint("127.0.0.1", 7000);
        private static readonly DsnEndpoint Bootstrap = new DsnEndpoint("monitor01", 7946);
        private static readonly DsnEndpoint Db = new DsnEndpoint("10.0.0.2", 7946);
        private static readonly DsnEndpoint Web = new DsnEndpoint("10.0.0.3", 7946);

        private static RejoinTargets Targets() => new RejoinTargets(new[] { Bootstrap, Self, Db },
            new[] { new KeyValuePair<string, DsnEndpoint>("db01", Db), new KeyValuePair<string, DsnEndpoint>("web01", Web), new KeyValuePair<string, DsnEndpoint>("me", Self) },
            e => e.Equals(Self));

        [Fact]
        public void Bootstrap_comes_first_then_remembered_members_each_once_and_never_itself()
        {
            Assert.Equal(new[] { Bootstrap, Db, Web }, Targets().All);
            Assert.True(new RejoinTargets(Array.Empty<DsnEndpoint>(), Array.Empty<KeyValuePair<string, DsnEndpoint>>(), _ => false).IsEmpty);
        }

        [Fact]
        public void Endpoints_that_lead_into_the_island_are_left_out()
        {
            var targets = Targets();
            Assert.Equal(new[] { Bootstrap, Db, Web }, targets.Outside(_ => false, new HashSet<DsnEndpoint>()));
            // web01 is alive here (by NodeId); db01's endpoint is advertised by a live member (by endpoint).
            Assert.Equal(new[] { Bootstrap }, targets.Outside(id => id == "web01", new HashSet<DsnEndpoint> { new DsnEndpoint("10.0.0.2", 7946) }));
            // The bootstrap's NodeId is learned when it is reached.
            targets.NoteReached(Bootstrap, "monitor01");
            targets.NoteReached(new DsnEndpoint("elsewhere", 1), "other"); // not a rejoin endpoint: not remembered
            Assert.Equal(new[] { Db, Web }, targets.Outside(id => id == "monitor01", new HashSet<DsnEndpoint>()));
        }

        [Fact]
        public void The_wait_while_alone_doubles_up_to_eight_intervals()
        {
            var interval = TimeSpan.FromSeconds(5);
            var waits = new List<double>();
            var wait = interval;
            for (var i = 0; i < 6; i++)
                waits.Add((wait = RejoinTargets.NextWait(wait, interval)).TotalSeconds);
            Assert.Equal(new double[] { 10, 20, 40, 40, 40, 40 }, waits);
        }
    }
}
