using System.Threading;

namespace DistributedState.Membership
{
    /// <summary>
    /// Lifeguard's local health: a node whose own probes go unanswered, or that is itself suspected, is probably the slow
    /// one (overloaded, paused), so it probes more slowly and waits longer before it accuses anybody. The score moves
    /// one step at a time between 0 and <see cref="Maximum"/>; thread-safe without a lock (probes finish on any thread).
    /// </summary>
    internal sealed class LocalHealth
    {
        /// <summary>The worst score.</summary>
        public const int Maximum = 8;

        private int _score;

        /// <summary>0 when healthy, up to <see cref="Maximum"/>.</summary>
        public int Score => Volatile.Read(ref _score);

        /// <summary>What probe intervals and timeouts are multiplied by: 1 when healthy, up to 1 + <see cref="Maximum"/>.</summary>
        public double Factor => 1 + Score;

        /// <summary>A probe went unanswered, this node was suspected, or it was paused.</summary>
        public void Worse() => Step(+1);

        /// <summary>A probe was answered in time.</summary>
        public void Better() => Step(-1);

        private void Step(int delta)
        {
            int current;
            do
            {
                current = Volatile.Read(ref _score);
                var next = current + delta;
                if (next < 0 || next > Maximum)
                    return;
            }
            while (Interlocked.CompareExchange(ref _score, current + delta, current) != current);
        }
    }
}
