using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Selects members' entries by key patterns. Literal keys are looked up directly, so reading one key of a member
    /// that holds 89,000 costs one lookup, not a copy of its state. Keys are case-sensitive in the state while names
    /// match case-insensitively, as every PowerShell -Name does: a literal whose exact spelling a member lacks is
    /// looked for among that member's keys in any case (the only path that reads a whole state for a literal).
    /// </summary>
    public static class KeySelection
    {
        /// <summary>Selects the entries of <paramref name="memberIds"/>, member by member, keys in ordinal order.</summary>
        /// <param name="memberIds">The members to read.</param>
        /// <param name="keyPatterns">Key names or patterns; none selects every key.</param>
        /// <param name="entriesOf">A member's whole state; a member that vanished meanwhile may throw <see cref="DsnNodeNotFoundException"/>.</param>
        /// <param name="entryOf">One entry by its exact key, null when absent; may throw like <paramref name="entriesOf"/>.</param>
        /// <exception cref="DsnCommandException">DsnPatternInvalid.</exception>
        public static NameFilterResult<DsnDataEntry> Select(IEnumerable<string> memberIds, IEnumerable<string>? keyPatterns,
            Func<string, IEnumerable<DsnDataEntry>> entriesOf, Func<string, string, DsnDataEntry?> entryOf)
        {
            if (memberIds is null) throw new ArgumentNullException(nameof(memberIds));
            if (entriesOf is null) throw new ArgumentNullException(nameof(entriesOf));
            if (entryOf is null) throw new ArgumentNullException(nameof(entryOf));
            var patterns = (keyPatterns ?? Array.Empty<string>()).Select(NamePattern.Parse).ToList();
            if (patterns.Count == 0 || patterns.Any(p => p.IsWildcard))
                return NameFilter.Apply(memberIds.SelectMany(id => Entries(id, entriesOf)), keyPatterns, e => e.Key);

            var literals = patterns.GroupBy(p => p.Literal, StringComparer.Ordinal).Select(g => g.First()).ToList();
            var entries = new List<DsnDataEntry>();
            foreach (var id in memberIds)
                entries.AddRange(LookUp(id, literals, entriesOf, entryOf));
            var unmatched = literals.Where(p => !entries.Any(e => p.IsMatch(e.Key))).Select(p => p.Literal).ToList();
            return new NameFilterResult<DsnDataEntry>(entries, unmatched);
        }

        private static IEnumerable<DsnDataEntry> LookUp(string id, IReadOnlyList<NamePattern> literals,
            Func<string, IEnumerable<DsnDataEntry>> entriesOf, Func<string, string, DsnDataEntry?> entryOf)
        {
            var found = new List<DsnDataEntry>();
            var missing = new List<NamePattern>();
            foreach (var literal in literals)
            {
                var entry = OrNone(() => entryOf(id, literal.Literal));
                if (entry is null) missing.Add(literal);
                else found.Add(entry);
            }

            if (missing.Count > 0)
                found.AddRange(Entries(id, entriesOf).Where(e => missing.Any(p => p.IsMatch(e.Key))));
            return found
                .GroupBy(e => e.Key, StringComparer.Ordinal).Select(g => g.First())
                .OrderBy(e => e.Key, StringComparer.Ordinal);
        }

        private static IReadOnlyList<DsnDataEntry> Entries(string id, Func<string, IEnumerable<DsnDataEntry>> entriesOf) =>
            OrNone(() => entriesOf(id).ToList()) ?? new List<DsnDataEntry>();

        // Departed members are dropped after their retention; one that went in between has nothing to show.
        private static T? OrNone<T>(Func<T?> read) where T : class
        {
            try
            {
                return read();
            }
            catch (DsnNodeNotFoundException)
            {
                return null;
            }
        }
    }
}
