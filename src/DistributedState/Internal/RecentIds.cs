using System.Collections.Generic;

namespace DistributedState.Internal
{
    /// <summary>
    /// The last <c>capacity</c> ids seen, to recognise a message that arrives again by another path. Not thread-safe:
    /// the node calls it under its lock.
    /// </summary>
    internal sealed class RecentIds<T>
    {
        private readonly HashSet<T> _seen;
        private readonly Queue<T> _order = new Queue<T>();
        private readonly int _capacity;

        public RecentIds(int capacity, IEqualityComparer<T>? comparer = null)
        {
            _capacity = capacity;
            _seen = new HashSet<T>(comparer ?? EqualityComparer<T>.Default);
        }

        /// <summary>Records the id; false when it was already seen (and is still remembered).</summary>
        public bool Add(T id)
        {
            if (!_seen.Add(id))
                return false;
            _order.Enqueue(id);
            if (_order.Count > _capacity)
                _seen.Remove(_order.Dequeue());
            return true;
        }
    }
}
