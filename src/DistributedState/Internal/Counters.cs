using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace DistributedState.Internal
{
    /// <summary>Named, thread-safe counters behind <see cref="DsnNodeStatistics"/>.</summary>
    internal sealed class Counters
    {
        private readonly ConcurrentDictionary<string, StrongBox> _values = new ConcurrentDictionary<string, StrongBox>();

        public void Add(string name, long amount = 1) =>
            Interlocked.Add(ref _values.GetOrAdd(name, _ => new StrongBox()).Value, amount);

        /// <summary>One counter's value; 0 if it was never added to.</summary>
        public long Get(string name) => _values.TryGetValue(name, out var box) ? Interlocked.Read(ref box.Value) : 0;

        public Dictionary<string, long> Snapshot()
        {
            var result = new Dictionary<string, long>();
            foreach (var pair in _values)
                result[pair.Key] = Interlocked.Read(ref pair.Value.Value);
            return result;
        }

        private sealed class StrongBox
        {
            public long Value;
        }
    }
}
