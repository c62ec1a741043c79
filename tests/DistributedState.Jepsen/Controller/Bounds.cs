using System;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// The bounds the checker holds the network to (docs/reliability.md states them). The nodes run the production
    /// timings (probe 200 ms, probe timeout 150 ms, suspicion at least 1 s); the bounds leave room for a loaded 2-core machine.
    /// </summary>
    internal static class Bounds
    {
        /// <summary>After the heal (and the last write), every survivor holds every owner's last acknowledged state: otherwise the writes count as lost.</summary>
        public static readonly TimeSpan WritesWithin = TimeSpan.FromSeconds(5);

        /// <summary>
        /// After the heal, every survivor sees every member Alive, with identical views (incarnations too) and digests
        /// (versions too). Longer than <see cref="WritesWithin"/>: nodes redial one Failed member every 2 s (docs/design-notes.md),
        /// so members declared Failed across a partition come back one by one, and refutations bump incarnations meanwhile.
        /// </summary>
        public static readonly TimeSpan ConvergeWithin = TimeSpan.FromSeconds(10);

        /// <summary>How long the checker keeps watching a late convergence, to tell "late" from "never".</summary>
        public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

        /// <summary>A crashed member is Failed in the view of every running, unfrozen member within this time of the kill.</summary>
        public static readonly TimeSpan FailedWithin = TimeSpan.FromSeconds(5);

        /// <summary>A thawed member is Alive again in every view within this time of SIGCONT.</summary>
        public static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(5);

        /// <summary>
        /// A Failed report counts as excused when the member was crashed, frozen, slowed or cut off at any time in this
        /// window before it (an accusation made during a fault may arrive at a far member just after the heal).
        /// </summary>
        public static readonly TimeSpan ExcuseLookback = TimeSpan.FromSeconds(10);

        /// <summary>A crash's member stays down longer than <see cref="FailedWithin"/>, so that bound can be checked.</summary>
        public static readonly TimeSpan LeastDownTime = FailedWithin + TimeSpan.FromSeconds(1);

        /// <summary>A freeze lasts longer than the failure timeout (suspicion ≥ 1 s after a missed probe), so others declare it Failed.</summary>
        public static readonly TimeSpan LeastFreeze = TimeSpan.FromSeconds(3);
    }
}
