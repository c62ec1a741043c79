using System.Collections.Generic;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>What <see cref="NameFilter.Apply{T}"/> selected, and which literal names found nothing.</summary>
    public sealed class NameFilterResult<T>
    {
        internal NameFilterResult(IReadOnlyList<T> matches, IReadOnlyList<string> unmatchedNames)
        {
            Matches = matches;
            UnmatchedNames = unmatchedNames;
        }

        /// <summary>The selected items, in input order, each once.</summary>
        public IReadOnlyList<T> Matches { get; }

        /// <summary>Literal (non-wildcard) names that matched no item, unescaped.</summary>
        public IReadOnlyList<string> UnmatchedNames { get; }
    }
}
