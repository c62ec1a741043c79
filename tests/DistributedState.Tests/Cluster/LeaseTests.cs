using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>Leases (time to live) and staleness on real nodes over loopback.</summary>
    public sealed class LeaseTests
    {
        private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(1500);

        private static ConcurrentQueue<DsnStateChangedEventArgs> Record(DsnNode node)
        {
            var changes = new ConcurrentQueue<DsnStateChangedEventArgs>();
            node.StateChanged += (_, e) => changes.Enqueue(e);
            return changes;
        }

        private static long Counter(DsnNode node, string name) => node.GetStatistics()[name];

        [Fact]
        public async Task A_leased_value_expires_on_every_node_after_its_lease_even_when_the_owner_crashed_and_not_before()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var c = await cluster.StartAsync("c", a);
            var onB = Record(b);
            var written = Stopwatch.StartNew();
            a.SetData("status", "ok", Lease);
            a.SetData("role", "web");
            foreach (var holder in new[] { b, c })
                await holder.WaitForDataAsync("a", "role", "web", TestCluster.Patience);
            Assert.Equal(Lease, b.GetEntry("a", "status")!.TimeToLive);
            await a.CrashAsync(); // no leave, no tombstone: only the holders' own clocks end the lease

            foreach (var holder in new[] { b, c })
                await Eventually.HoldsAsync(() => holder.GetData("a", "status") is null, $"{holder.NodeId} dropped a's status");
            Assert.True(written.Elapsed >= Lease, $"the value vanished {written.Elapsed.TotalMilliseconds:0} ms after it was written, before its lease");
            Assert.Equal("web", b.GetData("a", "role")); // unleased values stay, as a departed member's last report
            await Eventually.HoldsAsync(() => onB.Any(e => e.Key == "status" && e.IsRemoval), "b reported the expiry");
            var expiry = onB.Single(e => e.Key == "status" && e.IsRemoval);
            Assert.Equal((DsnStateChangeReason.Expired, "ok", "a"), (expiry.Reason, expiry.OldValue, expiry.NodeId));
            Assert.Equal(DsnStateChangeReason.Set, onB.First(e => e.Key == "status").Reason);
            Assert.Equal(1, b.GetPeer("a").KeyCount);
        }

        [Fact]
        public async Task The_owner_ends_its_own_lease_with_a_signed_removal_that_every_holder_reports_as_an_expiry()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var onA = Record(a);
            var onB = Record(b);
            var signed = Counter(a, "batches.signed");
            a.SetData("status", "ok", TimeSpan.FromMilliseconds(300));
            await b.WaitForDataAsync("a", "status", "ok", TestCluster.Patience);
            await Eventually.HoldsAsync(() => a.GetData("a", "status") is null && b.GetData("a", "status") is null, "both nodes dropped the value");
            await Eventually.HoldsAsync(() => Counter(a, "batches.signed") >= signed + 2, "a signed its lapsed removal");
            await Eventually.HoldsAsync(() => onA.Count(e => e.IsRemoval) == 1 && onB.Count(e => e.IsRemoval) == 1, "each node reported one removal");
            Assert.All(onA.Concat(onB).Where(e => e.IsRemoval), e => Assert.Equal(DsnStateChangeReason.Expired, e.Reason));
            Assert.Equal(0, b.GetPeer("a").KeyCount);
            Assert.True(Counter(a, "leases.expired") >= 1);
        }

        [Fact]
        public async Task Renewing_before_expiry_keeps_the_value_and_each_renewal_is_one_small_pushed_batch()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            var onB = Record(b);
            a.SetData("status", "ok", Lease);
            await b.WaitForDataAsync("a", "status", "ok", TestCluster.Patience);
            for (var renewal = 0; renewal < 3; renewal++)
            {
                var held = b.GetEntry("a", "status")!;
                // Renew when the holder has less than half the lease left (a scheduled task renews at a third of it).
                await Eventually.HoldsAsync(() => held.ExpiresAt - DateTimeOffset.UtcNow < TimeSpan.FromTicks(Lease.Ticks / 2), "the lease is half over");
                var signed = Counter(a, "batches.signed");
                var pushes = Counter(b, "messages.received.Push");
                var verified = Counter(b, "batches.verified");
                a.SetData("status", "ok", Lease);
                await Eventually.HoldsAsync(() => b.GetEntry("a", "status") is { } e && e.Version > held.Version, "b holds the renewal");
                Assert.Equal(signed + 1, Counter(a, "batches.signed")); // one signature
                Assert.Equal(pushes + 1, Counter(b, "messages.received.Push")); // one frame to the peer
                Assert.Equal(verified + 1, Counter(b, "batches.verified"));
                Assert.NotNull(b.GetData("a", "status"));
            }

            Assert.DoesNotContain(onB, e => e.IsRemoval); // the value never went away, and a renewal of the same value raises nothing
            Assert.Single(onB);
            await Eventually.HoldsAsync(() => b.GetData("a", "status") is null, "the value expires once renewals stop");
            Assert.Equal(DsnStateChangeReason.Expired, onB.Last().Reason);
        }

        [Fact]
        public async Task A_late_joiner_takes_state_with_expired_values_without_refusing_or_repairing_it_and_does_not_show_them()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            a.SetData("status", "ok", TimeSpan.FromMilliseconds(400));
            a.SetData("role", "web");
            await b.WaitForDataAsync("a", "role", "web", TestCluster.Patience);
            await a.CrashAsync();
            await Eventually.HoldsAsync(() => b.GetData("a", "status") is null, "b expired a's status");

            // The commitment b holds still counts the expired value (a never removed it); a joiner must accept it. With
            // no clock tolerance the joiner (same clock) finds the lease over on receipt; with the default 5 s it would
            // show the value for up to one more lease (docs/protocol.md, "Leases").
            var options = cluster.Options("d", b);
            options.ClockSkewTolerance = TimeSpan.Zero;
            var d = await cluster.StartAsync(options);
            var onD = Record(d);
            await d.WaitForDataAsync("a", "role", "web", TestCluster.Patience);
            Assert.Null(d.GetData("a", "status"));
            Assert.Equal(0, Counter(d, "sync.rejected.incomplete"));
            Assert.Equal(0, Counter(d, "batches.rejected.incomplete"));
            Assert.Equal(0, Counter(b, "sync.rejected.incomplete"));
            Assert.DoesNotContain(onD, e => e.Key == "status");
            // Both hold a's signed state at the same version, the expired value included: nothing for a repair to fix.
            Assert.Equal(b.GetEntries("a").Select(e => (e.Key, e.Version)), d.GetEntries("a").Select(e => (e.Key, e.Version)));
        }

        [Fact]
        public async Task A_node_wide_default_lease_applies_to_writes_without_one_and_infinite_means_none()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.DefaultTimeToLive = TimeSpan.FromMinutes(10);
            var a = await cluster.StartAsync(options);
            a.SetData("status", "ok");
            a.SetData(new Dictionary<string, string> { ["cpu"] = "12" });
            a.SetData("role", "web", Timeout.InfiniteTimeSpan);
            a.SetData("short", "x", TimeSpan.FromMinutes(1));
            Assert.Equal(TimeSpan.FromMinutes(10), a.GetEntry("a", "status")!.TimeToLive);
            Assert.Equal(TimeSpan.FromMinutes(10), a.GetEntry("a", "cpu")!.TimeToLive);
            Assert.Null(a.GetEntry("a", "role")!.TimeToLive);
            Assert.Null(a.GetEntry("a", "role")!.ExpiresAt);
            Assert.Equal(TimeSpan.FromMinutes(1), a.GetEntry("a", "short")!.TimeToLive);
            var expires = a.GetEntry("a", "status")!.ExpiresAt!.Value - DateTimeOffset.UtcNow;
            Assert.InRange(expires, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1000)]
        [InlineData(30L * 24 * 3600 * 1000 + 1)]
        public async Task A_lease_outside_1_ms_to_30_days_is_refused_with_its_own_argument_kind_and_nothing_is_written(long ms)
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var error = Assert.Throws<DsnArgumentException>(() => a.SetData("status", "ok", TimeSpan.FromMilliseconds(ms)));
            Assert.Equal((DsnArgument.TimeToLive, "timeToLive"), (error.Argument, error.ParamName));
            Assert.StartsWith("TimeToLive must be", error.Message);
            Assert.Throws<DsnArgumentException>(() => a.SetData(new Dictionary<string, string> { ["x"] = "1" }, TimeSpan.FromMilliseconds(ms)));
            Assert.Empty(a.GetEntries("a"));
            Assert.Throws<DsnArgumentException>(() => a.SetData("status", "ok", TimeSpan.MaxValue));
        }

        [Fact]
        public async Task Bad_lease_options_are_refused_at_start()
        {
            var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.DefaultTimeToLive = TimeSpan.Zero;
            var error = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options));
            Assert.Equal((DsnArgument.TimeToLive, nameof(DsnNodeOptions.DefaultTimeToLive)), (error.Argument, error.ParamName));
            Assert.StartsWith("DefaultTimeToLive must be a positive duration", error.Message);
            options = cluster.Options("a");
            options.DefaultTimeToLive = TimeSpan.FromDays(31);
            Assert.Contains("at most 30 days", (await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options))).Message);
            options = cluster.Options("a");
            options.ClockSkewTolerance = TimeSpan.FromSeconds(-1);
            error = await Assert.ThrowsAsync<DsnArgumentException>(() => DsnNode.StartAsync(options));
            Assert.Equal((DsnArgument.Option, nameof(DsnNodeOptions.ClockSkewTolerance)), (error.Argument, error.ParamName));
        }

        [Fact]
        public async Task Entries_carry_their_age_and_when_the_owner_was_last_heard_which_stops_when_it_crashes()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            a.SetData("status", "ok");
            await b.WaitForDataAsync("a", "status", "ok", TestCluster.Patience);
            var entry = b.GetEntry("a", "status")!;
            Assert.InRange(entry.Age, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            Assert.Null(entry.TimeToLive);
            Assert.NotNull(entry.LastHeard);
            Assert.InRange(DateTimeOffset.UtcNow - entry.LastHeard!.Value, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(5));
            Assert.NotNull(b.GetPeer("a").LastHeard);
            Assert.InRange(DateTimeOffset.UtcNow - b.GetPeer("b").LastHeard!.Value, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1)); // itself: now

            // Probes keep it fresh while a is up...
            var first = b.GetPeer("a").LastHeard!.Value;
            await Eventually.HoldsAsync(() => b.GetPeer("a").LastHeard > first, "a is heard from again");
            // ...and it stops moving when a crashes.
            await a.CrashAsync();
            await b.WaitForPeerAsync("a", DsnPeerStatus.Failed, TestCluster.Patience);
            var last = b.GetPeer("a").LastHeard!.Value;
            Assert.True(DateTimeOffset.UtcNow - last >= TimeSpan.FromMilliseconds(500), "a failed verdict comes after a silence");
            Assert.Equal(last, b.GetEntry("a", "status")!.LastHeard);
            await Eventually.HoldsAsync(() => b.GetEntry("a", "status")!.Age > entry.Age, "the entry ages");
            Assert.Equal(last, b.GetPeer("a").LastHeard);
        }
    }
}
