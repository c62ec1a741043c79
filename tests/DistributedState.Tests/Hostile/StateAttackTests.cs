using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>Attacks by an authenticated member on state and membership: forgeries, impersonation, lies.</summary>
    public sealed class StateAttackTests : HostileTestBase
    {
        private static MembersMessage Members(AliveRecord[]? alive = null, Accusation[]? accusations = null, LeaveRecord[]? leaves = null) =>
            new MembersMessage(0, alive ?? Array.Empty<AliveRecord>(), accusations ?? Array.Empty<Accusation>(), leaves ?? Array.Empty<LeaveRecord>());

        [Fact]
        public async Task A_forged_state_batch_for_another_owner_is_dropped_and_the_honest_state_stays()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            b.SetData("role", "db");
            a.SetData("role", "web");
            await a.WaitForDataAsync("b", "role", "db", Quick);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();

            // A batch for b, signed with mallory's key, of a newer epoch so that it would replace all of b's state.
            const long Epoch = long.MaxValue / 2;
            var forged = SignedBatch.Create(mallory.Identity, "b", Epoch, Epoch, Epoch + 1, new[] { new BatchEntry("role", Epoch + 1, "pwned") },
                StateCommitment.Empty.With("role", Epoch + 1));
            await session.SendAsync(new PushMessage(3, new[] { forged }));
            // The same as an anti-entropy answer.
            await session.SendAsync(new SyncMessage("b", 0, new[] { forged }));
            // A batch of the node's own state: it would make the node start a new epoch if it believed it.
            var forgedOwn = SignedBatch.Create(mallory.Identity, "a", Epoch, Epoch, Epoch + 1, new[] { new BatchEntry("role", Epoch + 1, "pwned") },
                StateCommitment.Empty.With("role", Epoch + 1));
            await session.SendAsync(new PushMessage(0, new[] { forgedOwn }));
            await session.PingAsync();

            await CounterReachesAsync(a, "batches.rejected.bad_signature", 3);
            Assert.Equal("db", a.GetData("b", "role"));
            Assert.Equal("web", a.GetData("a", "role"));
            Assert.Equal(0, Counter(a, "state.rebased"));
            Assert.Null(b.GetData("b", "pwned"));
            Assert.Equal("db", b.GetData("b", "role"));

            // mallory's own state, properly signed, is accepted (the checks are not just refusing everything).
            var own = SignedBatch.Create(mallory.Identity, "mallory", 100, 100, 101, new[] { new BatchEntry("mine", 101, "ok") },
                StateCommitment.Empty.With("mine", 101));
            await session.SendAsync(new PushMessage(0, new[] { own }));
            await a.WaitForDataAsync("mallory", "mine", "ok", Quick);

            b.SetData("role", "db2");
            await a.WaitForDataAsync("b", "role", "db2", Quick);
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task Acks_from_a_member_that_was_not_probed_do_not_keep_a_frozen_member_alive()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var victim = await cluster.StartAsync("victim", a);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await JoinedAsync(a, "victim");
            // Frozen, not crashed: its connections stay open, so only unanswered pings can show that it is gone.
            victim.Freeze();

            // Probe ids used to be sequential, and a's pings to mallory show where the counter stands: mallory answers
            // the next ids (and random ones) until a gives up on the victim. Each Ack must be refused, because mallory is
            // not the member a probed.
            using var stop = new System.Threading.CancellationTokenSource();
            var spam = Task.Run(async () =>
            {
                var random = new Random(7);
                while (!stop.IsCancellationRequested)
                {
                    var seen = mallory.Sessions.SelectMany(x => x.Received.OfType<PingMessage>()).Select(p => p.ProbeId).DefaultIfEmpty(0u).Max();
                    for (var next = seen + 1; next <= seen + 16; next++)
                        await mallory.Main.SendAsync(new AckMessage(next, 0));
                    await mallory.Main.SendAsync(new AckMessage((uint)random.Next(), 0));
                    await Task.Delay(5);
                }
            });
            try
            {
                await a.WaitForPeerAsync("victim", DsnPeerStatus.Failed, TestCluster.Patience);
            }
            finally
            {
                stop.Cancel();
                await spam;
            }

            Assert.True(Counter(a, "probes.rejected.foreign_ack") > 0);
            await HonestPeerStillWorksAsync(cluster, a);
        }

        [Fact]
        public async Task A_genuine_batch_altered_in_transit_is_dropped()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            b.SetData("role", "db");
            await a.WaitForDataAsync("b", "role", "db", Quick);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;

            // Ask a for everything: its answer carries b's genuine, signed batches.
            await session.SendAsync(new DigestMessage(77, false, Array.Empty<MemberDigest>(), Array.Empty<OwnerDigest>()));
            await session.WaitForAsync<DigestDoneMessage>(d => d.RequestId == 77, "a answers the digest");
            var genuine = session.Received.OfType<SyncMessage>().Where(s => s.Owner == "b").SelectMany(s => s.Batches)
                .First(x => x.Entries.Any(e => e.Key == "role"));

            // Raise the epoch and the versions (so the batch would apply) and keep the value: the signature no longer fits.
            var writer = new WireWriter();
            writer.ShortString("b");
            writer.I64(genuine.Version + 1000);
            writer.I64(genuine.Version + 1000);
            writer.I64(genuine.Version + 1001);
            writer.U32(1);
            writer.ShortString("role");
            writer.I64(genuine.Version + 1001);
            writer.U8(1);
            writer.LongString("db");
            StateCommitment.Empty.With("role", genuine.Version + 1001).Write(writer);
            writer.Fixed(genuine.Encoded.Skip(genuine.Encoded.Length - IdentityKey.SignatureLength).ToArray());
            var altered = SignedBatch.Read(new WireReader(writer.ToArray()), HostilePeer.ReadLimits);
            await session.SendAsync(new PushMessage(0, new[] { altered }));
            await session.PingAsync();

            await CounterReachesAsync(a, "batches.rejected.bad_signature", 1);
            Assert.Equal(genuine.Version, a.GetEntries("b").Single(e => e.Key == "role").Version);
            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task Gossip_that_rebinds_or_removes_a_live_member_is_refused()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();
            var before = Counter(a, "members.rejected.identity_conflict");

            // An alive record claiming b's NodeId with mallory's key, at a higher incarnation.
            var rebind = AliveRecord.Create(mallory.Identity, "b", long.MaxValue / 2, "127.0.0.1", mallory.AdvertisedPort);
            await session.SendAsync(Members(alive: new[] { rebind }));
            // An alive record claiming a's own NodeId.
            await session.SendAsync(Members(alive: new[] { AliveRecord.Create(mallory.Identity, "a", long.MaxValue / 2, "127.0.0.1", 1) }));
            // A leave for b, signed by mallory.
            await session.SendAsync(Members(leaves: new[] { LeaveRecord.Create(mallory.Identity, "b", long.MaxValue / 2) }));
            // b's NodeId with b's public key but a signature by mallory.
            var stolenKey = new AliveRecord("b", Internal.Hex.TryDecode(b.PublicKey, out var bKey) ? bKey : throw new InvalidOperationException(),
                long.MaxValue / 2, "127.0.0.1", mallory.AdvertisedPort, mallory.Identity.Sign(new byte[] { 1 }));
            await session.SendAsync(Members(alive: new[] { stolenKey }));
            await session.PingAsync();

            await CounterReachesAsync(a, "members.rejected.identity_conflict", before + 2);
            await CounterReachesAsync(a, "members.rejected.bad_signature", 2);
            var seenB = a.GetPeer("b");
            Assert.Equal(b.PublicKey, seenB.PublicKey);
            Assert.Equal(DsnPeerStatus.Alive, seenB.Status);
            Assert.NotEqual(long.MaxValue / 2, seenB.Incarnation);
            Assert.Equal(DsnPeerStatus.Alive, b.GetPeer("b").Status);
            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task An_accusation_at_an_absurd_incarnation_cannot_get_a_live_member_declared_failed()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            await mallory.Main.PingAsync();

            var incarnation = b.GetPeer("b").Incarnation;
            var bKey = Internal.Hex.TryDecode(b.PublicKey, out var key) ? key : throw new InvalidOperationException();
            await mallory.Main.SendAsync(Members(accusations: new[] { Accusation.Create(mallory.Identity, "mallory", AccusationKind.Suspect, "b", bKey, long.MaxValue) }));
            await mallory.Main.PingAsync();
            // An incarnation b never announced cannot be accused: a refuses it, b stays alive where it was.
            await CounterReachesAsync(a, "members.rejected.unknown_incarnation", 1);
            Assert.Equal((DsnPeerStatus.Alive, incarnation), (a.GetPeer("b").Status, a.GetPeer("b").Incarnation));
            Assert.Equal(0, b.GetStatistics()["members.refuted"]);
            await WritesConvergeAsync(a, b);
        }

        [Fact]
        public async Task An_acknowledgement_from_another_peer_does_not_complete_a_send()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.SendTimeout = TimeSpan.FromSeconds(1);
            var a = await cluster.StartAsync(options);
            await using var silent = await HostilePeer.JoinAsync(a, cluster.Key, "silent");
            await using var forger = await HostilePeer.JoinAsync(a, cluster.Key, "forger");
            await silent.Main.PingAsync();
            await forger.Main.PingAsync();

            // "silent" receives the message but never acknowledges it (the driver does not answer direct messages).
            var sending = a.SendAsync("silent", new byte[] { 1, 2, 3 });
            await silent.Main.WaitForAsync<DirectMessage>(m => true, "the message reaches silent");
            // "forger" guesses the sequential ids and acknowledges them.
            for (ulong id = 1; id <= 5; id++)
                await forger.Main.SendAsync(new DirectAckMessage(id));
            await forger.Main.PingAsync();

            await Assert.ThrowsAsync<DsnPeerUnavailableException>(() => sending);
        }

        [Fact]
        public async Task A_member_cannot_make_the_node_hold_more_of_its_state_than_the_limit()
        {
            await using var cluster = new TestCluster();
            var options = cluster.Options("a");
            options.MaxValueBytes = 64 * 1024;
            options.MaxStateBytes = 256 * 1024;
            var a = await cluster.StartAsync(options);
            await using var mallory = await HostilePeer.JoinAsync(a, cluster.Key, "mallory");
            var session = mallory.Main;
            await session.PingAsync();

            long version = 1000;
            var signer = new SigningOwner(mallory.Identity, "mallory");
            for (var i = 0; i < 16; i++)
            {
                var batch = signer.Batch(1000, version, version + 1, ("k" + i, version + 1, new string('x', 60 * 1024)));
                version++;
                await session.SendAsync(new PushMessage(0, new[] { batch }));
            }

            await session.PingAsync();
            var held = a.GetState("mallory").Sum(p => p.Key.Length + p.Value.Length);
            Assert.True(held <= options.MaxStateBytes, $"a holds {held} bytes of mallory's state; the limit is {options.MaxStateBytes}");
        }
    }
}
