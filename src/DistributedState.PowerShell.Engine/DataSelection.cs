using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>Get-DsnData's selection: members by NodeId pattern, then their entries by key pattern.</summary>
    public static class DataSelection
    {
        /// <summary>Selects entries from a node's local view; see <see cref="KeySelection"/> for how keys are read.</summary>
        /// <param name="memberIds">The members the viewing node knows (itself included).</param>
        /// <param name="entriesOf">A member's entries; a member that vanished meanwhile may throw <see cref="DsnNodeNotFoundException"/>.</param>
        /// <param name="entryOf">One entry of a member by its exact key, or null.</param>
        /// <param name="nodePatterns">NodeId names or patterns; none selects every member.</param>
        /// <param name="keyPatterns">Key names or patterns; none selects every key.</param>
        public static DataSelectionResult Select(IEnumerable<string> memberIds, Func<string, IEnumerable<DsnDataEntry>> entriesOf,
            Func<string, string, DsnDataEntry?> entryOf, IEnumerable<string>? nodePatterns, IEnumerable<string>? keyPatterns)
        {
            var members = NameFilter.Apply(memberIds, nodePatterns, id => id);
            var keys = KeySelection.Select(members.Matches, keyPatterns, entriesOf, entryOf);
            return new DataSelectionResult(members.Matches, keys.Matches, members.UnmatchedNames, keys.UnmatchedNames);
        }

        /// <summary>
        /// -MaxAge: the entries the owner wrote at most <paramref name="maxAge"/> ago (all of them when null). Stale entries
        /// are left out quietly: the key exists, it is just not fresh.
        /// </summary>
        /// <exception cref="DsnCommandException">DsnMaxAgeInvalid when <paramref name="maxAge"/> is zero or negative.</exception>
        public static IReadOnlyList<DsnDataEntry> FreshOnly(IReadOnlyList<DsnDataEntry> entries, TimeSpan? maxAge)
        {
            if (entries is null) throw new ArgumentNullException(nameof(entries));
            if (maxAge is not { } limit) return entries;
            if (limit <= TimeSpan.Zero) throw DsnErrors.MaxAgeInvalid(limit);
            return entries.Where(e => e.Age <= limit).ToList();
        }

        /// <summary>The NodeId patterns to use: those given, or with -AsHashtable and none given, the viewing node itself.</summary>
        public static IEnumerable<string>? NodePatterns(IEnumerable<string>? given, bool asHashtable, string viewerId) =>
            given ?? (asHashtable ? new[] { viewerId } : null);

        /// <summary>
        /// -AsHashtable: the one selected member's state, or null when none was selected (the not-found error says why).
        /// </summary>
        /// <exception cref="DsnCommandException">DsnHashtableNeedsOneNode when several members were selected.</exception>
        /// <param name="result">The selection.</param>
        /// <param name="entries">The entries to put in it (the selection's own when null; -MaxAge passes the fresh ones).</param>
        public static Hashtable? SingleHashtable(DataSelectionResult result, IEnumerable<DsnDataEntry>? entries = null)
        {
            if (result is null) throw new ArgumentNullException(nameof(result));
            if (result.Members.Count > 1)
                throw new DsnCommandException("DsnHashtableNeedsOneNode", DsnErrorCategory.InvalidArgument,
                    $"-AsHashtable returns one member's state, but {result.Members.Count} members were selected ({string.Join(", ", result.Members)}). Name one NodeId.",
                    result.Members.ToArray());
            return result.Members.Count == 0 ? null : ToHashtable(entries ?? result.Entries);
        }

        /// <summary>One member's state as a hashtable with case-sensitive keys (state keys are case-sensitive).</summary>
        public static Hashtable ToHashtable(IEnumerable<DsnDataEntry> entries)
        {
            var table = new Hashtable(StringComparer.Ordinal);
            foreach (var entry in entries)
                table[entry.Key] = entry.Value;
            return table;
        }
    }
}
