using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Transport.FaultInjection;
using DistributedState.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace DistributedState.Tests.Chaos
{
    /// <summary>
    /// Jepsen-style scenarios on the fault-injection network: real nodes, real crypto, the production timings.
    /// Short by default; <c>DSN_CHAOS_LONG=1</c> runs the long configuration; <c>DSN_CHAOS_SEED=n</c> replays a seed.
    /// Only waits with deadlines on conditions; the few fixed delays pace writes or churn, or are observation
    /// windows over which something must NOT happen (flapping).
    /// </summary>
    [Collection("Chaos")]
    [Trait("Category", "Chaos")]
    public sealed class ChaosTests
    {
        private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);
        private readonly ITestOutputHelper _output;

        public ChaosTests(ITestOutputHelper output) => _output = output;

        private static string Id(string prefix, int i) => prefix + i.ToString("00");

        /// <summary>Writes on behalf of the test and remembers what each owner's state must end as.</summary>
        private sealed class Ledger
        {
            public Dictionary<string, Dictionary<string, string>> Expected { get; } = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);

            public int Writes { get; private set; }

            public void Set(DsnNode node, string key, string value)
            {
                node.SetData(key, value);
                Of(node.NodeId)[key] = value;
                Writes++;
            }

            public void Remove(DsnNode node, string key)
            {
                node.RemoveData(key);
                Of(node.NodeId).Remove(key);
                Writes++;
            }

            /// <summary>A restarted node starts a new state of its own (its writes win over the old run's).</summary>
            public void Restarted(string nodeId) => Expected[nodeId] = new Dictionary<string, string>(StringComparer.Ordinal);

            public Dictionary<string, string> Of(string nodeId)
            {
                if (!Expected.TryGetValue(nodeId, out var state))
                    Expected[nodeId] = state = new Dictionary<string, string>(StringComparer.Ordinal);
                return state;
            }

            public IReadOnlyDictionary<string, Dictionary<string, string>> For(IEnumerable<string> owners) =>
                owners.ToDictionary(o => o, o => Of(o), StringComparer.Ordinal);
        }

        /// <summary>A round of writes: every node sets a few keys and now and then removes one.</summary>
        private static void WriteRound(Ledger ledger, IEnumerable<DsnNode> nodes, int round, Random random)
        {
            foreach (var node in nodes)
            {
                ledger.Set(node, "round", round.ToString());
                ledger.Set(node, "k" + random.Next(8), $"{node.NodeId}-{round}-{random.Next(1000)}");
                if (random.Next(4) == 0)
                {
                    var key = "k" + random.Next(8);
                    if (ledger.Of(node.NodeId).ContainsKey(key))
                        ledger.Remove(node, key);
                }
            }
        }

        [Fact]
        [Trait("Category", "Chaos")]
        public async Task Ten_nodes_with_20_percent_frame_loss_and_50_ms_jitter_converge_on_every_write_without_false_failures()
        {
            await using var cluster = new ChaosCluster(_output, nameof(Ten_nodes_with_20_percent_frame_loss_and_50_ms_jitter_converge_on_every_write_without_false_failures));
            await cluster.RunAsync(async () =>
            {
                var jitter = TimeSpan.FromMilliseconds(50);
                cluster.Network.DefaultFaults = new LinkFaults { Jitter = jitter, ProtectedFrames = 2 };
                var first = await cluster.StartAsync(Id("n", 0));
                for (var i = 1; i < 10; i++)
                {
                    var running = cluster.Running;
                    await cluster.StartAsync(Id("n", i), running[cluster.Random.Next(running.Count)], first);
                }

                await cluster.AllAliveAsync(Converge);
                cluster.Say("10 nodes formed (50 ms jitter, no loss yet); now 20% of all frames are dropped");
                var nodes = cluster.Running;
                var transitions = cluster.RecordTransitions(nodes);
                cluster.Network.DefaultFaults = new LinkFaults { DropProbability = 0.2, Jitter = jitter, ProtectedFrames = 2 };

                var ledger = new Ledger();
                var rounds = ChaosSettings.Pick(12, 300);
                for (var round = 0; round < rounds; round++)
                {
                    WriteRound(ledger, nodes, round, cluster.Random);
                    await Task.Delay(cluster.Random.Next(50, 250)); // pacing the writers
                }

                cluster.Say($"{ledger.Writes} writes in {rounds} rounds; waiting for convergence");
                await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);
                cluster.Say("every write converged on every node");
                await cluster.AllAliveAsync(Converge);

                var all = transitions.ToList();
                cluster.Say($"status changes under loss: {all.Count} ({all.Count(t => t.New == DsnPeerStatus.Suspect)} suspicions, all refuted)");
                var failed = all.Where(t => t.New == DsnPeerStatus.Failed || t.New == DsnPeerStatus.Left).ToList();
                Assert.True(failed.Count == 0, "false failures: " + string.Join("; ", failed.Select(t => $"{t.At:0.000}s {t.Observer} saw {t.Subject} {t.Old}->{t.New}")));
                Assert.True(cluster.Network.GetStatistics().FramesDropped > 0);
                // The nodes saw the loss as gaps in the frame sequence numbers, and counted them.
                Assert.True(nodes.Sum(n => n.GetStatistics()["frames.missing"]) > 0, "sequence gaps are counted as frames.missing");
            });
        }

        [Fact]
        [Trait("Category", "Chaos")]
        public async Task Duplicated_reordered_and_corrupted_frames_are_rejected_and_counted_and_every_write_still_converges()
        {
            await using var cluster = new ChaosCluster(_output, nameof(Duplicated_reordered_and_corrupted_frames_are_rejected_and_counted_and_every_write_still_converges));
            await cluster.RunAsync(async () =>
            {
                var faults = new LinkFaults
                {
                    DropProbability = 0.05, DuplicateProbability = 0.05, ReorderProbability = 0.05, CorruptProbability = 0.02,
                    Jitter = TimeSpan.FromMilliseconds(10), ProtectedFrames = 2,
                };
                // Joins happen on a clean link: a join's digest exchange is not retried, so one lost or reordered frame
                // costs the whole JoinTimeout (see docs/reliability.md). The faults start once everyone is in.
                cluster.Network.DefaultFaults = new LinkFaults { Jitter = faults.Jitter };
                var first = await cluster.StartAsync(Id("d", 0));
                for (var i = 1; i < 6; i++)
                    await cluster.StartAsync(Id("d", i), first);
                await cluster.AllAliveAsync(Converge);
                var nodes = cluster.Running;
                var transitions = cluster.RecordTransitions(nodes);
                cluster.Network.DefaultFaults = faults;
                var ledger = new Ledger();
                var rounds = ChaosSettings.Pick(15, 300);
                for (var round = 0; round < rounds; round++)
                {
                    WriteRound(ledger, nodes, round, cluster.Random);
                    await Task.Delay(cluster.Random.Next(50, 150)); // pacing the writers
                }

                await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);
                await cluster.AllAliveAsync(Converge);
                var injected = cluster.Network.GetStatistics();
                long Sum(string counter) => nodes.Sum(n => n.GetStatistics()[counter]);
                cluster.Say($"{ledger.Writes} writes converged; injected {injected.FramesDuplicated} duplicates, {injected.FramesReordered} reorders, " +
                    $"{injected.FramesCorrupted} bit flips; nodes rejected {Sum("frames.rejected.replayed")} as replayed, {Sum("frames.rejected.bad_tag")} by MAC, " +
                    $"{Sum("frames.rejected.malformed")} as malformed; status changes {transitions.Count}");
                Assert.True(Sum("frames.rejected.replayed") > 0 && Sum("frames.rejected.bad_tag") > 0, "the faults reached the nodes' checks");
                Assert.Equal(0, Sum("frames.rejected.malformed")); // a flipped bit never gets past the MAC
                var failed = transitions.Where(t => t.New == DsnPeerStatus.Failed || t.New == DsnPeerStatus.Left).ToList();
                Assert.True(failed.Count == 0, "false failures: " + string.Join("; ", failed.Select(t => $"{t.At:0.000}s {t.Observer} saw {t.Subject} {t.Old}->{t.New}")));
            });
        }

        [Fact]
        [Trait("Category", "Chaos")]
        public async Task A_partition_longer_than_the_failure_timeout_heals_into_one_state_where_every_owners_last_write_wins()
        {
            await using var cluster = new ChaosCluster(_output, nameof(A_partition_longer_than_the_failure_timeout_heals_into_one_state_where_every_owners_last_write_wins));
            await cluster.RunAsync(async () =>
            {
                cluster.Network.DefaultFaults = new LinkFaults { Jitter = TimeSpan.FromMilliseconds(5) };
                var size = ChaosSettings.Pick(3, 5);
                var first = await cluster.StartAsync("a00");
                for (var i = 1; i < size; i++)
                    await cluster.StartAsync(Id("a", i), first);
                for (var i = 0; i < size; i++)
                    await cluster.StartAsync(Id("b", i), first);
                await cluster.AllAliveAsync(Converge);
                var nodes = cluster.Running;
                var sideA = nodes.Where(n => n.NodeId.StartsWith("a")).ToList();
                var sideB = nodes.Where(n => n.NodeId.StartsWith("b")).ToList();
                var ledger = new Ledger();
                WriteRound(ledger, nodes, 0, cluster.Random);
                await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);

                cluster.Network.Partition(sideA.Select(n => n.NodeId), sideB.Select(n => n.NodeId));
                cluster.Say("partitioned: [" + string.Join(",", sideA.Select(n => n.NodeId)) + "] | [" + string.Join(",", sideB.Select(n => n.NodeId)) + "]");
                var rounds = ChaosSettings.Pick(5, 40);
                for (var round = 1; round <= rounds; round++)
                {
                    WriteRound(ledger, nodes, round, cluster.Random);
                    await Task.Delay(100);
                }

                // Each side declares the other failed: the partition lasts longer than the failure timeout.
                foreach (var (mine, theirs) in new[] { (sideA, sideB), (sideB, sideA) })
                {
                    await Eventually.HoldsAsync(() => mine.All(n => theirs.All(t => n.GetPeer(t.NodeId).Status == DsnPeerStatus.Failed)),
                        $"each side holds the other failed; {ChaosCluster.Views(nodes)}", Converge);
                }

                // Each side converged on its own writes while apart.
                await ChaosCluster.StateConvergesAsync(sideA, ledger.For(sideA.Select(n => n.NodeId)), Converge);
                await ChaosCluster.StateConvergesAsync(sideB, ledger.For(sideB.Select(n => n.NodeId)), Converge);
                cluster.Say("each side holds the other failed and converged on its own writes; more writes, then heal");
                WriteRound(ledger, nodes, rounds + 1, cluster.Random);

                cluster.Network.Heal();
                var healed = System.Diagnostics.Stopwatch.StartNew();
                await cluster.AllAliveAsync(Converge);
                cluster.Say($"healed: everyone Alive everywhere after {healed.Elapsed.TotalSeconds:0.0} s");
                await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);
                await cluster.AgreeAsync(nodes, Converge);
                cluster.Say($"one state everywhere (members, keys, versions) after {healed.Elapsed.TotalSeconds:0.0} s; {ledger.Writes} writes");
            });
        }

        [Fact]
        [Trait("Category", "Chaos")]
        public async Task Random_churn_then_quiet_leaves_every_survivor_with_exactly_the_same_members_and_state()
        {
            await using var cluster = new ChaosCluster(_output, nameof(Random_churn_then_quiet_leaves_every_survivor_with_exactly_the_same_members_and_state));
            await cluster.RunAsync(async () =>
            {
                cluster.Network.DefaultFaults = new LinkFaults { Jitter = TimeSpan.FromMilliseconds(5) };
                var random = cluster.Random;
                var pool = Enumerable.Range(0, ChaosSettings.Pick(10, 16)).Select(i => Id("c", i)).ToList();
                var ledger = new Ledger();
                var departed = new Dictionary<string, DsnPeerStatus>(StringComparer.Ordinal); // how each departed node left
                var first = await cluster.StartAsync(pool[0]);
                await cluster.StartAsync(pool[1], first);
                await cluster.StartAsync(pool[2], first);
                var actions = new Dictionary<string, int>();
                var duration = ChaosSettings.Pick(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(90));
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (watch.Elapsed < duration)
                {
                    var running = cluster.Running;
                    var idle = pool.Where(id => running.All(n => n.NodeId != id)).ToList();
                    var roll = random.Next(100);
                    string action;
                    if (roll < 20 && idle.Count > 0 && running.Count < 8)
                    {
                        var id = idle[random.Next(idle.Count)];
                        var bootstrap = running.OrderBy(_ => random.Next()).Take(2).ToArray();
                        action = departed.ContainsKey(id) ? "restart" : "join";
                        await cluster.StartAsync(id, bootstrap);
                        departed.Remove(id);
                        ledger.Restarted(id);
                    }
                    else if (roll < 32 && running.Count > 3)
                    {
                        var victim = running[random.Next(running.Count)];
                        action = "stop";
                        await cluster.StopAsync(victim);
                        departed[victim.NodeId] = DsnPeerStatus.Left;
                    }
                    else if (roll < 44 && running.Count > 3)
                    {
                        var victim = running[random.Next(running.Count)];
                        action = "crash";
                        await cluster.CrashAsync(victim);
                        departed[victim.NodeId] = DsnPeerStatus.Failed;
                    }
                    else
                    {
                        action = "write";
                        var writer = running[random.Next(running.Count)];
                        if (random.Next(5) == 0 && ledger.Of(writer.NodeId).Count > 0)
                            ledger.Remove(writer, ledger.Of(writer.NodeId).Keys.First());
                        else
                            ledger.Set(writer, "k" + random.Next(6), $"{writer.NodeId}-{ledger.Writes}");
                    }

                    actions[action] = actions.TryGetValue(action, out var n) ? n + 1 : 1;
                    await Task.Delay(random.Next(50, 300)); // pacing the churn
                }

                var survivors = cluster.Running;
                cluster.Say($"churn over after {watch.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", actions.OrderBy(a => a.Key).Select(a => $"{a.Value} {a.Key}"))}; " +
                    $"survivors [{string.Join(",", survivors.Select(s => s.NodeId))}], departed [{string.Join(",", departed.Select(d => d.Key + ":" + d.Value))}]");

                await cluster.AllAliveAsync(Converge);
                await Eventually.HoldsAsync(() => survivors.All(s => departed.All(d => s.GetPeers().Any(p => p.NodeId == d.Key && p.Status == d.Value))),
                    $"every survivor holds the stopped nodes Left and the crashed ones Failed; {ChaosCluster.Views(survivors)}", Converge);
                await ChaosCluster.StateConvergesAsync(survivors, ledger.For(survivors.Select(n => n.NodeId)), Converge);
                await cluster.AgreeAsync(survivors, Converge);
                cluster.Say("survivors agree exactly on members (with statuses) and on every owner's state and versions");
            });
        }

        [Fact]
        [Trait("Category", "Chaos")]
        public async Task A_frozen_node_is_failed_then_refutes_catches_up_and_nobody_flaps()
        {
            await using var cluster = new ChaosCluster(_output, nameof(A_frozen_node_is_failed_then_refutes_catches_up_and_nobody_flaps));
            await cluster.RunAsync(async () =>
            {
                cluster.Network.DefaultFaults = new LinkFaults { Jitter = TimeSpan.FromMilliseconds(5) };
                var size = ChaosSettings.Pick(5, 10);
                var first = await cluster.StartAsync(Id("f", 0));
                for (var i = 1; i < size; i++)
                    await cluster.StartAsync(Id("f", i), first);
                await cluster.AllAliveAsync(Converge);
                var nodes = cluster.Running;
                var sleeper = nodes[cluster.Random.Next(nodes.Count)];
                var others = nodes.Where(n => n != sleeper).ToList();
                var ledger = new Ledger();
                WriteRound(ledger, nodes, 0, cluster.Random);
                await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);
                var transitions = cluster.RecordTransitions(nodes);

                var cycles = ChaosSettings.Pick(1, 3);
                for (var cycle = 0; cycle < cycles; cycle++)
                {
                    sleeper.Freeze();
                    cluster.Say($"{sleeper.NodeId} frozen (cycle {cycle + 1} of {cycles})");
                    var round = 1 + 100 * cycle;
                    var frozenFor = System.Diagnostics.Stopwatch.StartNew();
                    while (!others.All(o => o.GetPeer(sleeper.NodeId).Status == DsnPeerStatus.Failed))
                    {
                        WriteRound(ledger, others, round++, cluster.Random);
                        await Task.Delay(150);
                        Assert.True(frozenFor.Elapsed < Converge, $"{sleeper.NodeId} was not declared failed by all within {Converge.TotalSeconds} s; {ChaosCluster.Views(others)}");
                    }

                    cluster.Say($"everyone holds {sleeper.NodeId} failed after {frozenFor.Elapsed.TotalSeconds:0.0} s; thawing");
                    WriteRound(ledger, others, round, cluster.Random);
                    var beforeThaw = others.Select(o => o.GetPeer(sleeper.NodeId).Incarnation).Max();
                    sleeper.Thaw();
                    await cluster.AllAliveAsync(Converge);
                    Assert.True(others.All(o => o.GetPeer(sleeper.NodeId).Incarnation > beforeThaw), "it refuted with a higher incarnation");
                    await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);
                    ledger.Set(sleeper, "awake", "cycle" + cycle);
                    await ChaosCluster.StateConvergesAsync(nodes, ledger.For(nodes.Select(n => n.NodeId)), Converge);
                    cluster.Say($"{sleeper.NodeId} refuted, caught up and wrote; observing for flapping");

                    // Several full probe cycles over which no status may change: a window, not a wait for a condition.
                    var quietFrom = transitions.Count;
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * size + 1500));
                    var late = transitions.Skip(quietFrom).ToList();
                    Assert.True(late.Count == 0, "flapping after the thaw: " + string.Join("; ", late.Select(t => $"{t.At:0.000}s {t.Observer} saw {t.Subject} {t.Old}->{t.New}")));
                }

                var all = transitions.ToList();
                var aboutOthers = all.Where(t => t.Subject != sleeper.NodeId).ToList();
                Assert.True(aboutOthers.Count == 0, "only the frozen node may change status: " + string.Join("; ", aboutOthers.Select(t => $"{t.At:0.000}s {t.Observer} saw {t.Subject} {t.Old}->{t.New}")));
                foreach (var observer in others)
                {
                    var seen = all.Where(t => t.Observer == observer.NodeId).Select(t => t.New).ToList();
                    Assert.Equal(cycles, seen.Count(s => s == DsnPeerStatus.Failed));
                    Assert.Equal(cycles, seen.Count(s => s == DsnPeerStatus.Alive));
                    Assert.Equal(DsnPeerStatus.Alive, seen.Last());
                }
            });
        }

        [Fact]
        [Trait("Category", "Chaos")]
        public async Task When_the_bootstrap_node_dies_right_after_the_others_joined_through_it_they_stay_connected()
        {
            await using var cluster = new ChaosCluster(_output, nameof(When_the_bootstrap_node_dies_right_after_the_others_joined_through_it_they_stay_connected));
            await cluster.RunAsync(async () =>
            {
                cluster.Network.DefaultFaults = new LinkFaults { Jitter = TimeSpan.FromMilliseconds(20) };
                var rounds = ChaosSettings.Pick(1, 4);
                var joiners = ChaosSettings.Pick(6, 10);
                var ledger = new Ledger();
                DsnNode? entry = null;
                for (var round = 0; round < rounds; round++)
                {
                    // A fresh bootstrap (the first round's seed, later a newcomer) that everyone else joins through.
                    var bootstrap = await cluster.StartAsync(Id("boot", round), entry is null ? Array.Empty<DsnNode>() : new[] { entry });
                    var bootstrapEndpoint = cluster.Network.GetHost(bootstrap.NodeId).EndPoint(bootstrap.LocalEndPoint.Port);
                    var joined = new List<DsnNode>();
                    for (var i = 0; i < joiners; i++)
                    {
                        var node = await cluster.StartAsync(Id($"j{round}-", i), bootstrap);
                        ledger.Set(node, "joined", "round" + round);
                        joined.Add(node);
                    }

                    await cluster.CrashAsync(bootstrap);
                    cluster.Say($"round {round + 1}: {joiners} nodes joined through {bootstrap.NodeId}, which crashed at once");

                    var survivors = cluster.Running;
                    await cluster.AllAliveAsync(Converge);
                    await Eventually.HoldsAsync(() => survivors.All(s => s.GetPeer(bootstrap.NodeId).Status == DsnPeerStatus.Failed),
                        $"everyone holds {bootstrap.NodeId} failed; {ChaosCluster.Views(survivors)}", Converge);
                    foreach (var node in survivors)
                        ledger.Set(node, "after", $"{node.NodeId}-round{round}");
                    await ChaosCluster.StateConvergesAsync(survivors, ledger.For(survivors.Select(n => n.NodeId)), Converge);

                    // A newcomer whose bootstrap list starts with the dead node still gets in through a survivor.
                    var helper = survivors[cluster.Random.Next(survivors.Count)];
                    var options = cluster.Options(Id($"late{round}-", 0), new[] { helper });
                    options.BootstrapNodes.Insert(0, bootstrapEndpoint);
                    var late = await cluster.StartAsync(options);
                    survivors = cluster.Running;
                    await cluster.AllAliveAsync(Converge);
                    await ChaosCluster.StateConvergesAsync(new[] { late }, ledger.For(survivors.Where(s => s != late).Select(n => n.NodeId)), Converge);
                    entry = late;
                    cluster.Say($"round {round + 1}: the rest stayed connected; a newcomer joined past the dead bootstrap");
                }
            });
        }
    }

    [CollectionDefinition("Chaos", DisableParallelization = false)]
    public sealed class ChaosCollection
    {
    }
}
