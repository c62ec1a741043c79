using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Tab completion for NodeIds and keys: names starting with what was typed (case-insensitively, ignoring an
    /// opening quote), sorted, each once, quoted when PowerShell would otherwise split or expand it.
    /// </summary>
    public static class CompletionCandidates
    {
        private static readonly char[] NeedsQuoting = " \t'\"`$;,(){}[]@#&|<>*?".ToCharArray();

        /// <summary>The text to insert for each matching name, with the plain name to list.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> For(IEnumerable<string> names, string? wordToComplete)
        {
            var prefix = (wordToComplete ?? string.Empty).TrimStart('\'', '"');
            return names
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new KeyValuePair<string, string>(Quote(n), n))
                .ToList();
        }

        /// <summary>Single-quotes a name when needed, doubling embedded single quotes.</summary>
        public static string Quote(string name) =>
            name.Length > 0 && name.IndexOfAny(NeedsQuoting) < 0 ? name : "'" + name.Replace("'", "''") + "'";

        /// <summary>
        /// The strings in an already-typed argument (a string, an array of them, or host-wrapped values), for completers
        /// that narrow by another parameter; null when nothing usable was typed.
        /// </summary>
        public static IReadOnlyList<string>? Strings(object? argument)
        {
            switch (argument)
            {
                case null:
                    return null;
                case string text:
                    return new[] { text };
                case System.Collections.IEnumerable items:
                    var list = items.Cast<object?>().Where(i => i is not null).Select(i => i!.ToString()).ToList();
                    return list.Count == 0 ? null : list;
                default:
                    return new[] { argument.ToString() };
            }
        }

        /// <summary>Collects names from sources that may fail (a node stopping meanwhile): completion must never throw.</summary>
        public static IEnumerable<string> Safely(Func<IEnumerable<string>> source)
        {
            try
            {
                return source().ToList();
            }
            catch (Exception)
            {
                return Array.Empty<string>();
            }
        }
    }
}
