using System.Collections.Generic;

namespace DistributedState.Internal
{
    /// <summary>
    /// How many of something are under way per name (probes per member: a regular probe and one after a disconnect may
    /// overlap). Not thread-safe: the node calls it under its lock.
    /// </summary>
    internal sealed class RefCounts
    {
        private readonly Dictionary<string, int> _counts;

        /// <param name="comparer">How names compare (<see cref="NameRules.NodeIdComparer"/> for NodeIds).</param>
        public RefCounts(IEqualityComparer<string> comparer) => _counts = new Dictionary<string, int>(comparer);

        /// <summary>One more is under way.</summary>
        public void Add(string name) => _counts[name] = _counts.TryGetValue(name, out var count) ? count + 1 : 1;

        /// <summary>One finished; true when it was the last. Releasing a name with none under way changes nothing.</summary>
        public bool Release(string name)
        {
            if (!_counts.TryGetValue(name, out var count))
                return false;
            if (count > 1)
            {
                _counts[name] = count - 1;
                return false;
            }

            _counts.Remove(name);
            return true;
        }

        /// <summary>Whether any is under way.</summary>
        public bool Contains(string name) => _counts.ContainsKey(name);
    }
}
