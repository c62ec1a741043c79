namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// Known runtime issues a run may be told to report without failing (<c>--tolerate NAME</c>). Each is narrow: it
    /// covers lateness after one kind of fault, never a write that does not arrive at all. Remove the flag from
    /// build.ps1 once the issue is fixed, and the run holds the runtime to the bound again.
    /// </summary>
    internal static class Tolerance
    {
        /// <summary>
        /// After a partition heals, writes (and the members' return) arrive late but do arrive. Cause, seen in the
        /// history: sessions across the cut stay open through the partition (a member declared Failed keeps its TCP
        /// connection, and the Failed-member redial reuses it), so nothing moves until TCP's next retransmission, whose
        /// backoff doubles while the cut lasts (an 8 s cut: about 5 s after the heal; a 30 s cut: about 20 s).
        /// See docs/reliability.md, "Faults on a real network".
        /// </summary>
        public const string LateAfterPartition = "late-after-partition";

        public static readonly string[] All = { LateAfterPartition };
    }
}
