using System;
using System.Collections.Generic;
using DistributedState.Dissemination;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.State;
using Xunit;

namespace DistributedState.Tests.Dissemination
{
    public sealed class ViewSummaryTests : IDisposable
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
        private readonly IdentityKey _a = IdentityKey.Create();
        private readonly IdentityKey _b = IdentityKey.Create();

        public void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
        }

        private static Member Member(IdentityKey key, string nodeId, long incarnation) =>
            new Member(AliveRecord.Create(key, nodeId, incarnation, "127.0.0.1", 7946), SignatureVerifier.For(key.PublicKey), Now);

        private static readonly OwnerState[] NoOwners = new OwnerState[0];

        [Fact]
        public void The_summary_does_not_depend_on_order_or_on_the_case_of_NodeIds()
        {
            var one = ViewSummary.Compute(new[] { Member(_a, "web1", 3), Member(_b, "db1", 1) }, NoOwners);
            var other = ViewSummary.Compute(new[] { Member(_b, "DB1", 1), Member(_a, "Web1", 3) }, NoOwners);
            Assert.Equal(one, other);
        }

        [Fact]
        public void An_incarnation_or_a_status_changes_the_summary()
        {
            var before = ViewSummary.Compute(new[] { Member(_a, "web1", 3) }, NoOwners);
            Assert.NotEqual(before, ViewSummary.Compute(new[] { Member(_a, "web1", 4) }, NoOwners));
            var suspect = Member(_a, "web1", 3);
            suspect.SetStatus(DsnPeerStatus.Suspect, 3, Accusation.Create(_b, "db1", AccusationKind.Suspect, "web1", _a.PublicKey, 3), Now, 0);
            Assert.NotEqual(before, ViewSummary.Compute(new[] { suspect }, NoOwners));
        }

        [Fact]
        public void The_summary_is_computed_again_only_for_a_new_generation()
        {
            var summary = new ViewSummary();
            var members = new List<Member> { Member(_a, "web1", 1) };
            var first = summary.Get(1, members, NoOwners);
            members.Add(Member(_b, "db1", 1));
            Assert.Equal(first, summary.Get(1, members, NoOwners)); // same generation: the cached value
            Assert.NotEqual(first, summary.Get(2, members, NoOwners));
        }
    }
}
