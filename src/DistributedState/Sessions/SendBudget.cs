using System.Threading;

namespace DistributedState.Sessions
{
    /// <summary>What <see cref="SendBudget.TryReserve"/> decided about a message to queue.</summary>
    internal enum SendAdmission
    {
        /// <summary>Queued; the bytes count against the budget until written or dropped.</summary>
        Admitted,

        /// <summary>The session alone would hold more than its limit: the peer is not reading.</summary>
        SessionFull,

        /// <summary>The node's queues are at their cap and this session holds more than its share of them.</summary>
        NodeFull,
    }

    /// <summary>
    /// The bytes waiting to be sent, over all sessions of a node, against two limits: each session may hold up to
    /// <see cref="SessionLimit"/>, and all together up to <see cref="NodeLimit"/>. At the node's cap a session that
    /// would hold more than an equal share (<see cref="NodeLimit"/> over the open sessions) is refused, so the peers
    /// that do not read pay for it, not the ones that do; a session within its share is still admitted. Whatever
    /// peers do, the queues never hold more than twice the node's cap: bytes admitted below the cap stay below it,
    /// bytes admitted above it stay within one share per session. Thread-safe.
    /// </summary>
    internal sealed class SendBudget
    {
        private long _queued;
        private long _peak;
        private int _sessions;

        /// <param name="nodeLimit">Bytes all sessions together may hold before shares are enforced.</param>
        /// <param name="sessionLimit">Bytes one session may hold, whatever the others hold.</param>
        public SendBudget(long nodeLimit, long sessionLimit)
        {
            NodeLimit = nodeLimit;
            SessionLimit = sessionLimit < nodeLimit ? sessionLimit : nodeLimit;
        }

        public long NodeLimit { get; }

        public long SessionLimit { get; }

        /// <summary>Bytes queued now, over all sessions.</summary>
        public long Queued => Interlocked.Read(ref _queued);

        /// <summary>The most bytes ever queued at once.</summary>
        public long Peak => Interlocked.Read(ref _peak);

        /// <summary>A session's share of the node's cap, enforced only while the node is at the cap.</summary>
        public long FairShare => NodeLimit / System.Math.Max(1, Volatile.Read(ref _sessions));

        /// <summary>A session opened: it counts for the share.</summary>
        public void AddSession() => Interlocked.Increment(ref _sessions);

        /// <summary>A session closed for good (its bytes released with <see cref="Release"/>).</summary>
        public void RemoveSession() => Interlocked.Decrement(ref _sessions);

        /// <summary>Reserves room for a message; on <see cref="SendAdmission.Admitted"/> the caller queues it.</summary>
        /// <param name="sessionQueued">Bytes the sending session holds already.</param>
        /// <param name="bytes">The message's size.</param>
        public SendAdmission TryReserve(long sessionQueued, long bytes)
        {
            var after = sessionQueued + bytes;
            if (after > SessionLimit)
                return SendAdmission.SessionFull;
            var total = Interlocked.Add(ref _queued, bytes);
            if (total > NodeLimit && after > FairShare)
            {
                Interlocked.Add(ref _queued, -bytes);
                return SendAdmission.NodeFull;
            }

            long peak;
            while (total > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, total, peak) != peak)
            {
                // Another sender raised the peak meanwhile: compare again.
            }

            return SendAdmission.Admitted;
        }

        /// <summary>Bytes written, or dropped with a closed session.</summary>
        public void Release(long bytes) => Interlocked.Add(ref _queued, -bytes);
    }
}
