using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// One fault of an episode. A fault that isolates, stops or slows a member is an excuse for reporting that member
    /// Failed (<see cref="ExcusesFailedOf"/>); random loss on some links is not — indirect probes route around it, so a
    /// member reported Failed under loss alone is a false report.
    /// </summary>
    internal abstract record Fault
    {
        /// <summary>The members that may rightly be reported Failed while this fault is on (and shortly after).</summary>
        public abstract IEnumerable<string> ExcusesFailedOf();

        /// <summary>What the fault needs from this machine beyond namespaces: "nft", "tbf" or nothing.</summary>
        public virtual string? Needs => null;

        public abstract string Describe();

        protected static string List(IEnumerable<string> nodes) => "{" + string.Join(",", nodes) + "}";
    }

    internal enum PartitionShape
    {
        /// <summary>Nothing passes between the two sides, either way.</summary>
        Full,

        /// <summary>Side A hears nothing from side B; B still receives from A (TCP cannot work across it either way, but each end sees it differently).</summary>
        OneWay,

        /// <summary>The two sides cannot reach each other; the bridge node reaches both.</summary>
        Bridge,
    }

    /// <summary>A partition made by each receiver's firewall (nft drops packets from the other side on input).</summary>
    internal sealed record Partition(PartitionShape Shape, IReadOnlyList<string> SideA, IReadOnlyList<string> SideB, string? Bridge) : Fault
    {
        /// <summary>Directed pairs (sender, receiver) whose packets are dropped.</summary>
        public IEnumerable<(string From, string To)> DroppedPairs()
        {
            foreach (var a in SideA)
            {
                foreach (var b in SideB)
                {
                    yield return (b, a);
                    if (Shape != PartitionShape.OneWay)
                        yield return (a, b);
                }
            }
        }

        public override IEnumerable<string> ExcusesFailedOf() => SideA.Concat(SideB);

        public override string Needs => "nft";

        public override string Describe() => Shape switch
        {
            PartitionShape.Full => $"partition {List(SideA)} | {List(SideB)}",
            PartitionShape.OneWay => $"one-way partition: {List(SideA)} hears nothing from {List(SideB)}",
            _ => $"bridge partition {List(SideA)} | {List(SideB)} through {Bridge}",
        };
    }

    internal sealed record LossyLink(string A, string B, int Percent);

    /// <summary>Random loss on some links, both directions (nft: <c>numgen random mod 100 &lt; N drop</c>).</summary>
    internal sealed record Loss(IReadOnlyList<LossyLink> Links) : Fault
    {
        public override IEnumerable<string> ExcusesFailedOf() => Array.Empty<string>();

        public override string Needs => "nft";

        public override string Describe() => "loss " + string.Join(", ", Links.Select(l => $"{l.A}-{l.B} {l.Percent}%"));
    }

    /// <summary>
    /// A slow link between one member and the switch, both directions: a token-bucket filter (tc tbf) limits the rate
    /// and queues up to <see cref="LatencyMs"/> before dropping. The kernel here has no netem, so there is no fixed
    /// delay: the delay is queueing behind the rate limit, which is what a saturated slow link does.
    /// </summary>
    internal sealed record SlowLink(string Node, int RateKbit, int LatencyMs) : Fault
    {
        public override IEnumerable<string> ExcusesFailedOf() => new[] { Node };

        public override string Needs => "tbf";

        public override string Describe() => $"slow link {Node}: {RateKbit} kbit/s, queue up to {LatencyMs} ms";
    }

    /// <summary>kill -9, then a restart with the same identity (and no persisted state: the runtime keeps none yet) after <see cref="DownFor"/>.</summary>
    internal sealed record Crash(string Node, TimeSpan DownFor, bool IsBootstrap) : Fault
    {
        public override IEnumerable<string> ExcusesFailedOf() => new[] { Node };

        public override string Describe() =>
            $"{(IsBootstrap ? "bootstrap crash" : "crash")} {Node} (kill -9), restart after {DownFor.TotalSeconds:0.#} s";
    }

    /// <summary>SIGSTOP, then SIGCONT after <see cref="FrozenFor"/> (longer than the failure timeout).</summary>
    internal sealed record Freeze(string Node, TimeSpan FrozenFor) : Fault
    {
        public override IEnumerable<string> ExcusesFailedOf() => new[] { Node };

        public override string Describe() => $"freeze {Node} (SIGSTOP) for {FrozenFor.TotalSeconds:0.#} s";
    }

    /// <summary>Faults switched on together at the start of an episode and healed by its end (processes come back earlier).</summary>
    internal sealed record Episode(int Number, TimeSpan Length, IReadOnlyList<Fault> Faults)
    {
        public string Describe() => $"{Number,2}. {Length.TotalSeconds,4:0.#} s: " + string.Join(" + ", Faults.Select(f => f.Describe()));
    }
}
