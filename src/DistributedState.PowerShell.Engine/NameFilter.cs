using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Filters items by name with patterns, the way Get-Process -Name does: no pattern selects everything;
    /// each item appears once, in input order; a literal name that matches nothing is reported so the cmdlet
    /// can write a "not found" error, while an unmatched wildcard pattern is silently empty.
    /// </summary>
    public static class NameFilter
    {
        /// <summary>Applies the patterns.</summary>
        /// <param name="items">The candidates.</param>
        /// <param name="patterns">Names or wildcard patterns; null or empty selects every item.</param>
        /// <param name="nameOf">The name of an item.</param>
        public static NameFilterResult<T> Apply<T>(IEnumerable<T> items, IEnumerable<string>? patterns, Func<T, string> nameOf)
        {
            if (items is null) throw new ArgumentNullException(nameof(items));
            if (nameOf is null) throw new ArgumentNullException(nameof(nameOf));
            var list = items.ToList();
            var parsed = (patterns ?? Array.Empty<string>()).Select(NamePattern.Parse).ToList();
            if (parsed.Count == 0)
                return new NameFilterResult<T>(list, Array.Empty<string>());

            var matches = list.Where(item => parsed.Any(p => p.IsMatch(nameOf(item)))).ToList();
            var unmatched = parsed
                .Where(p => !p.IsWildcard && !list.Any(item => p.IsMatch(nameOf(item))))
                .Select(p => p.Literal)
                .ToList();
            return new NameFilterResult<T>(matches, unmatched);
        }
    }
}
