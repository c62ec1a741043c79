using System.Collections.Generic;

namespace DistributedState.Jepsen.Checks
{
    // The history as the checks see it. Times are nanoseconds on the run's monotonic clock.

    /// <summary>One process of one node id: started, and (unless still running) ended.</summary>
    internal sealed class ProcessLife
    {
        public ProcessLife(string node, int run, long startNs)
        {
            Node = node;
            Run = run;
            StartNs = startNs;
        }

        public string Node { get; }

        public int Run { get; }

        public long StartNs { get; }

        /// <summary>When its start returned (the "started" line): from then on its handlers are attached.</summary>
        public long? StartedNs { get; set; }

        public long? EndNs { get; set; }

        public int? ExitCode { get; set; }

        /// <summary>The controller killed it (kill -9).</summary>
        public bool Killed { get; set; }

        public bool Covers(long fromNs, long toNs) => StartNs <= fromNs && (EndNs is null || EndNs >= toNs);
    }

    /// <summary>A member's status as one observer reported it: a change (PeerStatusChanged) or first sight (PeerJoined, <see cref="From"/> null).</summary>
    internal sealed record StatusReport(long AtNs, string Observer, int ObserverRun, string Subject, string? From, string To, long Incarnation);

    /// <summary>
    /// A fault in force on one member from <see cref="StartNs"/> to <see cref="EndNs"/>; <see cref="Excuses"/>: it may
    /// rightly be reported Failed; <see cref="ExcusesItsReports"/>: the fault was on all of the member's own links (a slow
    /// link), so it may rightly report the others Failed — the same excuse a partition gives both of its sides.
    /// </summary>
    internal sealed record FaultInterval(string Node, string Kind, bool Excuses, long StartNs, long EndNs, bool ExcusesItsReports = false);

    /// <summary>A node's periodic report: its member view (id → "Status:incarnation"), a hash of each owner's values, and a digest of everything with versions.</summary>
    internal sealed record ViewReport(long AtNs, string Node, int Run, IReadOnlyDictionary<string, string> View, IReadOnlyDictionary<string, string> Owners, string Digest);

    internal sealed record StatsSample(long AtNs, string Node, int Run, long Rss, long Heap, int Threads, int Fds, long OpenSessions);

    internal sealed class MessageSend
    {
        public MessageSend(string node, int run, long seq, string to, string payload, long atNs)
        {
            Node = node;
            Run = run;
            Seq = seq;
            To = to;
            Payload = payload;
            AtNs = atNs;
        }

        public string Node { get; }

        public int Run { get; }

        public long Seq { get; }

        public string To { get; }

        public string Payload { get; }

        public long AtNs { get; }

        public long? AckedNs { get; set; }

        public string? Error { get; set; }
    }

    internal sealed record MessageReceipt(string Node, int Run, string From, string Payload, long AtNs);

    /// <summary>A check that failed, and how.</summary>
    internal sealed record Violation(string Check, string Message);
}
