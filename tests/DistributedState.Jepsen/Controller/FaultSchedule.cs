using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// The faults of a run, drawn from a seed: the same seed, node count and mode give the same schedule (test: same seed,
    /// same text). The short run has one episode of each kind in a seeded order; the long run draws episodes, often two
    /// faults at once (a network fault and a process fault), until its duration is filled. One member (never the
    /// bootstrap) runs with its clock ±30 s off for the whole run. Faults the runtime cannot have yet — a network key
    /// rotated while partitioned, leases expiring across a partition — would be added here as new kinds.
    /// </summary>
    internal sealed class FaultSchedule
    {
        public const int SkewSeconds = 30;

        private FaultSchedule(long seed, IReadOnlyList<string> nodes, string skewedNode, int skew, IReadOnlyList<Episode> episodes)
        {
            Seed = seed;
            Nodes = nodes;
            SkewedNode = skewedNode;
            Skew = skew;
            Episodes = episodes;
        }

        public long Seed { get; }

        /// <summary>Node ids; the first is the bootstrap (the node the network starts from).</summary>
        public IReadOnlyList<string> Nodes { get; }

        public string Bootstrap => Nodes[0];

        public string SkewedNode { get; }

        /// <summary>+30 or −30 (seconds of clock offset of <see cref="SkewedNode"/>).</summary>
        public int Skew { get; }

        public IReadOnlyList<Episode> Episodes { get; }

        public TimeSpan FaultTime => TimeSpan.FromTicks(Episodes.Sum(e => e.Length.Ticks));

        public static IReadOnlyList<string> NodeIds(int count) =>
            count < 5 ? throw new ArgumentOutOfRangeException(nameof(count), count, "A run needs at least 5 nodes (a bridge partition needs two sides of two).")
                : Enumerable.Range(1, count).Select(i => "n" + i).ToArray();

        /// <summary>One episode of each fault kind, in an order and with members and parameters drawn from the seed.</summary>
        public static FaultSchedule Short(long seed, int nodeCount)
        {
            var nodes = NodeIds(nodeCount);
            var draws = new SplitMix64(SplitMix64.Derive(seed, "schedule/short"));
            var (skewed, skew) = DrawSkew(draws, nodes);
            var kinds = draws.Shuffle(Enum.GetValues<Kind>());
            var episodes = kinds.Select((kind, i) => Compose(i + 1, new[] { Draw(kind, draws, nodes) }, draws)).ToArray();
            return new FaultSchedule(seed, nodes, skewed, skew, episodes);
        }

        /// <summary>Episodes of one or two faults until <paramref name="faultTime"/> is filled.</summary>
        public static FaultSchedule Long(long seed, int nodeCount, TimeSpan faultTime)
        {
            var nodes = NodeIds(nodeCount);
            var draws = new SplitMix64(SplitMix64.Derive(seed, "schedule/long"));
            var (skewed, skew) = DrawSkew(draws, nodes);
            var network = new[] { Kind.Partition, Kind.OneWay, Kind.Bridge, Kind.Loss, Kind.Slow };
            var process = new[] { Kind.Crash, Kind.BootstrapCrash, Kind.Freeze };
            var episodes = new List<Episode>();
            var total = TimeSpan.Zero;
            while (total < faultTime)
            {
                var faults = new List<Fault>();
                var shape = draws.Next(3); // 0: network only, 1: process only, 2: both
                if (shape != 1)
                    faults.Add(Draw(network[draws.Next(network.Length)], draws, nodes));
                if (shape != 0)
                    faults.Add(Draw(process[draws.Next(process.Length)], draws, nodes));
                var episode = Compose(episodes.Count + 1, faults, draws);
                episodes.Add(episode);
                total += episode.Length;
            }

            return new FaultSchedule(seed, nodes, skewed, skew, episodes);
        }

        public string Describe()
        {
            var text = new StringBuilder();
            text.AppendLine($"seed {Seed}, {Nodes.Count} nodes ({string.Join(",", Nodes)}; bootstrap {Bootstrap}), " +
                $"clock of {SkewedNode} {Skew:+0;-0} s, {Episodes.Count} episodes, {FaultTime.TotalSeconds:0} s of faults");
            foreach (var episode in Episodes)
                text.AppendLine(episode.Describe());
            return text.ToString();
        }

        private enum Kind
        {
            Partition,
            OneWay,
            Bridge,
            Loss,
            Slow,
            Crash,
            BootstrapCrash,
            Freeze,
        }

        private static (string Node, int Skew) DrawSkew(SplitMix64 draws, IReadOnlyList<string> nodes) =>
            (nodes[draws.Between(1, nodes.Count - 1)], draws.Next(2) == 0 ? SkewSeconds : -SkewSeconds);

        /// <summary>An episode long enough for its slowest fault: a crash's member down and back, a freeze thawed, with time to spare before the heal.</summary>
        private static Episode Compose(int number, IReadOnlyList<Fault> faults, SplitMix64 draws)
        {
            var length = TimeSpan.FromSeconds(draws.Between(6, 9));
            foreach (var fault in faults)
            {
                var needed = fault switch
                {
                    Crash c => c.DownFor + TimeSpan.FromSeconds(draws.Between(3, 4)),
                    Freeze f => f.FrozenFor + TimeSpan.FromSeconds(draws.Between(2, 3)),
                    _ => TimeSpan.Zero,
                };
                if (needed > length)
                    length = needed;
            }

            return new Episode(number, length, faults);
        }

        private static Fault Draw(Kind kind, SplitMix64 draws, IReadOnlyList<string> nodes)
        {
            switch (kind)
            {
                case Kind.Partition:
                {
                    var order = draws.Shuffle(nodes);
                    var minority = draws.Between(1, (nodes.Count - 1) / 2);
                    return new Partition(PartitionShape.Full, Sorted(order.Take(minority)), Sorted(order.Skip(minority)), null);
                }

                case Kind.OneWay:
                {
                    var order = draws.Shuffle(nodes);
                    var deaf = draws.Between(1, (nodes.Count - 1) / 2);
                    return new Partition(PartitionShape.OneWay, Sorted(order.Take(deaf)), Sorted(order.Skip(deaf)), null);
                }

                case Kind.Bridge:
                {
                    var order = draws.Shuffle(nodes);
                    var half = (nodes.Count - 1) / 2;
                    return new Partition(PartitionShape.Bridge, Sorted(order.Skip(1).Take(half)), Sorted(order.Skip(1 + half)), order[0]);
                }

                case Kind.Loss:
                    return DrawLoss(draws, nodes);

                case Kind.Slow:
                    return new SlowLink(nodes[draws.Next(nodes.Count)], 64 << draws.Next(3), draws.Between(2, 4) * 100);

                case Kind.Crash:
                    return new Crash(nodes[draws.Between(1, nodes.Count - 1)], Bounds.LeastDownTime + TimeSpan.FromSeconds(draws.Next(2)), IsBootstrap: false);

                case Kind.BootstrapCrash:
                    return new Crash(nodes[0], Bounds.LeastDownTime + TimeSpan.FromSeconds(draws.Next(2)), IsBootstrap: true);

                default:
                    return new Freeze(nodes[draws.Next(nodes.Count)], Bounds.LeastFreeze + TimeSpan.FromSeconds(draws.Next(3)));
            }
        }

        /// <summary>3 to 6 distinct links at 5–30 %; never every link of one member (that would cut it off, not make it lossy).</summary>
        private static Loss DrawLoss(SplitMix64 draws, IReadOnlyList<string> nodes)
        {
            var pairs = nodes.SelectMany((a, i) => nodes.Skip(i + 1).Select(b => (a, b))).ToArray();
            while (true)
            {
                var chosen = draws.Shuffle(pairs).Take(draws.Between(3, 6)).ToArray();
                var cutOff = nodes.Any(n => chosen.Count(p => p.a == n || p.b == n) == nodes.Count - 1);
                if (cutOff)
                    continue;
                return new Loss(chosen.OrderBy(p => p.a, StringComparer.Ordinal).ThenBy(p => p.b, StringComparer.Ordinal)
                    .Select(p => new LossyLink(p.a, p.b, draws.Between(1, 6) * 5)).ToArray());
            }
        }

        private static string[] Sorted(IEnumerable<string> nodes) => nodes.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).ToArray();
    }
}
