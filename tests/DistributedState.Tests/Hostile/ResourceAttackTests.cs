using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// A member holding the network key tries to exhaust a node: memory through digests whose answers it never reads,
    /// CPU through thousands of copies of one signed batch or thousands of forged records, the node's lock through
    /// large membership frames, and the member table and state through made-up members.
    /// </summary>
    public sealed class ResourceAttackTests : HostileTestBase
    {
        private const int MiB = 1024 * 1024;
        private static readonly TimeSpan AntiEntropyInterval = new DsnNodeOptions().AntiEntropyInterval;
        private static readonly DigestMessage EmptyDigest = new DigestMessage(0, false, Array.Empty<MemberDigest>(), Array.Empty<OwnerDigest>());

        private static MembersMessage Alive(IReadOnlyList<AliveRecord> records) =>
            new MembersMessage(0, records, Array.Empty<Accusation>(), Array.Empty<LeaveRecord>());

        [Fact]
        public async Task A_flood_of_digests_from_one_session_gets_one_answer_per_interval()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            a.SetData("role", new string('x', 64 * 1024));
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();
            var answersBefore = mallory.Main.Count<SyncMessage>(s => s.Owner == "a");

            // Each empty digest asks for everything a holds.
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++)
                await mallory.Main.SendAsync(EmptyDigest);
            await mallory.Main.PingAsync();
            var elapsed = watch.Elapsed;

            var answers = mallory.Main.Count<SyncMessage>(s => s.Owner == "a") - answersBefore;
            var allowed = DistributedState.Sessions.PeerSession.DigestBurst + (int)(elapsed.TotalMilliseconds / AntiEntropyInterval.TotalMilliseconds) + 1;
            Assert.True(answers >= 1 && answers <= allowed, $"{answers} answers to 200 digests in {elapsed.TotalMilliseconds:0} ms; at most {allowed} are allowed");
            Assert.True(Counter(a, "digests.rejected.rate_limited") >= 200 - allowed);
            Assert.False(mallory.Main.IsClosed); // a rate, not a punishment: an honest peer asking too often stays connected

            // Later, the peer is answered again.
            await Task.Delay(AntiEntropyInterval + TimeSpan.FromMilliseconds(50));
            var answered = mallory.Main.Count<SyncMessage>(s => s.Owner == "a");
            await mallory.Main.SendAsync(new DigestMessage(91, false, Array.Empty<MemberDigest>(), Array.Empty<OwnerDigest>()));
            await mallory.Main.WaitForAsync<DigestDoneMessage>(d => d.RequestId == 91, "a answers a digest after the interval");
            Assert.True(mallory.Main.Count<SyncMessage>(s => s.Owner == "a") > answered);
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task Digests_on_six_sessions_that_never_read_cannot_grow_the_send_queues_beyond_the_cap()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.MaxSendQueueBytes = 24 * MiB;
            var a = await cluster.StartAsync(options);
            var b = await cluster.StartAsync("b", a);
            // About 8 MiB of state: every empty digest asks for all of it.
            for (var i = 0; i < 8; i++)
                a.SetData("blob" + i, new string((char)('a' + i), MiB - 64));
            await b.WaitForDataAsync("a", "blob7", new string('h', MiB - 64), Quick);

            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var sessions = new List<HostileSession> { mallory.Main };
            for (var i = 1; i < 6; i++)
                sessions.Add(await mallory.ConnectAsync(a.LocalEndPoint.Port));
            foreach (var session in sessions)
                await session.PingAsync();

            // The attack: 720 bytes of digests (ten on each of six sessions) that each ask for the whole state,
            // and answers nobody reads. Without bounds, the queues grew to the per-session limit: 6 x 64 MiB.
            mallory.StopReading();
            var sends = sessions.Select(async session =>
            {
                for (var i = 0; i < 10; i++)
                    await session.SendAsync(EmptyDigest);
            });
            await Task.WhenAll(sends);

            await CounterReachesAsync(a, "sessions.closed.node_queue_full", 1);
            await CounterReachesAsync(a, "sessions.closed.slow_reader", 1);
            var peak = Counter(a, "sessions.queued_bytes.peak");
            Assert.True(peak <= 2 * options.MaxSendQueueBytes + 2 * MiB, $"the send queues held {peak / MiB} MiB at most; the cap is {options.MaxSendQueueBytes / MiB} MiB");

            // The peer that reads is still served while the attack goes on, and the queues drain once it ends.
            await WritesConvergeAsync(a, b);
            await mallory.DisposeAsync();
            await Eventually.HoldsAsync(() => Counter(a, "sessions.queued_bytes") < MiB, "a's send queues drain once mallory is gone", Quick);
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task A_sync_holding_thousands_of_copies_of_one_batch_costs_no_verification()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();

            var batch = SignedBatch.Create(mallory.Identity, "mallory", 1000, 1000, 1001, new[] { new BatchEntry("k", 1001, "v") }, StateCommitment.Empty.With("k", 1001));
            var copies = Math.Min(9000, (1024 * 1024 + 32 * 1024) / batch.Size); // as many as a frame holds
            var checkedBefore = Counter(a, "batches.signatures.checked");
            var watch = Stopwatch.StartNew();
            await mallory.Main.SendAsync(new SyncMessage("mallory", 0, Enumerable.Repeat(batch, copies).ToList()));
            await mallory.Main.PingAsync();
            var elapsed = watch.Elapsed;

            // Batches now carry the owner's commitment, so fewer copies fit than the 9,000; a sync of repeated
            // batches is refused before any signature is checked (the per-batch cache is tested in SignatureCacheTests).
            Assert.True(copies > 6000, $"{copies} copies fit in a frame");
            Assert.Equal(0, Counter(a, "batches.signatures.checked") - checkedBefore);
            Assert.Equal(1, Counter(a, "sync.rejected.unordered"));
            Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the frame took {elapsed.TotalMilliseconds:0} ms (9,000 verifications took 1.8 s)");
        }

        [Fact]
        public async Task A_frame_of_thousands_of_forged_alive_records_closes_the_session_after_four_checks_and_never_stalls_the_api()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();

            // 6,000 fill a frame since alive records carry the run identity (the 7,000 no longer fit: oversized frames close the session).
            var forged = Enumerable.Range(0, 6000)
                .Select(i => new AliveRecord("f" + i, mallory.Identity.PublicKey, 1, "127.0.0.1", 1000 + i, new byte[IdentityKey.SignatureLength]))
                .ToList();
            using var api = ApiLatency.Measure(a);
            await mallory.Main.SendAsync(Alive(forged));
            await mallory.Main.Closed.WaitAsync(Quick);
            var worst = await api.StopAsync();

            Assert.True(1 == Counter(a, "sessions.closed.bad_signatures"), string.Join(", ", a.GetStatistics().Counters.Where(c => c.Key.Contains("rejected") || c.Key.Contains("closed")).Select(c => c.Key + "=" + c.Value)));
            Assert.Equal(4, Counter(a, "members.rejected.bad_signature")); // three tolerated, the fourth closes the session
            Assert.DoesNotContain(a.GetPeers(), p => p.NodeId.StartsWith("f", StringComparison.Ordinal));
            Assert.True(worst < TimeSpan.FromMilliseconds(250), $"an API call waited {worst.TotalMilliseconds:0} ms while the frame was checked");
            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task Checking_the_signatures_of_a_large_members_frame_does_not_hold_the_nodes_lock()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();

            // Genuinely signed records of made-up members, each with its own key: each must be imported and verified.
            var records = MadeUpMembers(1500, "g");
            using var api = ApiLatency.Measure(a);
            var watch = Stopwatch.StartNew();
            await mallory.Main.SendAsync(Alive(records));
            await mallory.Main.PingAsync();
            var elapsed = watch.Elapsed;
            var worst = await api.StopAsync();

            Assert.Equal(1500 + 2, a.GetPeers().Count);
            Assert.True(worst < TimeSpan.FromMilliseconds(250) || worst < elapsed / 3,
                $"an API call waited {worst.TotalMilliseconds:0} ms while the frame took {elapsed.TotalMilliseconds:0} ms");
        }

        [Fact]
        public async Task Made_up_members_beyond_MaxMembers_and_their_state_beyond_MaxOwners_are_refused_and_logged_once()
        {
            await using var cluster = new TestCluster();
            var log = new CapturingLog();
            var options = cluster.Options("a");
            options.MaxMembers = 20;
            options.MaxOwners = 5;
            var a = await DsnNode.StartAsync(options, log);
            try
            {
                await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
                await mallory.Main.PingAsync();

                var identities = Enumerable.Range(0, 300).Select(_ => IdentityKey.Create()).ToList();
                var records = identities.Select((key, i) => AliveRecord.Create(key, "made-" + i, 1, "127.0.0.1", 2000 + i)).ToList();
                await mallory.Main.SendAsync(Alive(records));
                await mallory.Main.PingAsync();

                Assert.Equal(20, a.GetPeers().Count);
                Assert.True(Counter(a, "members.rejected.too_many") >= 300 - 18);
                Assert.Single(log.Lines, l => l.Contains("MaxMembers"));

                // A new member's connection is refused too while the table is full.
                await using var late = await HostilePeer.JoinAsync(a, cluster.Key, "late");
                await late.Main.Closed.WaitAsync(Quick);
                Assert.DoesNotContain(a.GetPeers(), p => p.NodeId == "late");

                // The state of the admitted made-up members: only MaxOwners owners are held (a itself is one).
                var admitted = a.GetPeers().Select(p => p.NodeId).Where(id => id.StartsWith("made-", StringComparison.Ordinal)).ToList();
                foreach (var nodeId in admitted)
                {
                    var key = identities[int.Parse(nodeId.Substring("made-".Length), System.Globalization.CultureInfo.InvariantCulture)];
                    var batch = SignedBatch.Create(key, nodeId, 1000, 1000, 1001, new[] { new BatchEntry("k", 1001, "v") }, StateCommitment.Empty.With("k", 1001));
                    await mallory.Main.SendAsync(new PushMessage(0, new[] { batch }));
                }

                await mallory.Main.PingAsync();
                var holding = admitted.Count(id => a.GetState(id).Count > 0);
                Assert.Equal(options.MaxOwners - 1, holding);
                Assert.Equal(admitted.Count - holding, Counter(a, "batches.rejected.too_many_owners"));
                Assert.Single(log.Lines, l => l.Contains("MaxOwners"));
            }
            finally
            {
                await a.StopAsync();
            }
        }

        internal static List<AliveRecord> MadeUpMembers(int count, string prefix)
        {
            var records = new AliveRecord[count];
            Parallel.For(0, count, i =>
            {
                using var key = IdentityKey.Create();
                records[i] = AliveRecord.Create(key, prefix + i, 1, "127.0.0.1", 1000 + i);
            });
            return records.ToList();
        }

        /// <summary>Calls the node's API in a loop on another thread and reports the slowest call.</summary>
        private sealed class ApiLatency : IDisposable
        {
            private readonly CancellationTokenSource _stop = new CancellationTokenSource();
            private readonly Task<TimeSpan> _loop;

            private ApiLatency(DsnNode node)
            {
                _loop = Task.Factory.StartNew(() =>
                {
                    var worst = TimeSpan.Zero;
                    var call = new Stopwatch();
                    for (var i = 0; !_stop.IsCancellationRequested; i++)
                    {
                        call.Restart();
                        node.GetPeer(node.NodeId);
                        node.SetData("tick", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        if (call.Elapsed > worst)
                            worst = call.Elapsed;
                        Thread.Sleep(1);
                    }

                    return worst;
                }, TaskCreationOptions.LongRunning);
            }

            public static ApiLatency Measure(DsnNode node) => new ApiLatency(node);

            public Task<TimeSpan> StopAsync()
            {
                _stop.Cancel();
                return _loop;
            }

            public void Dispose()
            {
                _stop.Cancel();
                _stop.Dispose();
            }
        }
    }
}
