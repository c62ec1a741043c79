using System.Collections.Generic;
using System.Linq;
using DistributedState.State;

namespace DistributedState.Tests.Support
{
    internal static class HeldEntries
    {
        /// <summary>(key, value, version) of each entry, for comparing a snapshot with a literal list.</summary>
        public static (string Key, string Value, long Version)[] Triples(this IEnumerable<HeldEntry> entries) =>
            entries.Select(e => (e.Key, e.Value, e.Version)).ToArray();
    }
}
