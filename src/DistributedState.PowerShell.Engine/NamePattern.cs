using System;
using System.Text;
using System.Text.RegularExpressions;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// A name or a PowerShell wildcard pattern (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, backtick escapes),
    /// matched case-insensitively like <c>WildcardPattern</c> with <c>IgnoreCase</c>. Implemented here rather than
    /// with PowerShell's class so the filtering is the same on 5.1 and 7 and xunit can test it without a host.
    /// </summary>
    public sealed class NamePattern
    {
        private readonly Regex? _regex;

        private NamePattern(string text, Regex? regex, string literal)
        {
            Text = text;
            _regex = regex;
            Literal = literal;
        }

        /// <summary>The pattern as the user typed it.</summary>
        public string Text { get; }

        /// <summary>True when the pattern has wildcard characters; a literal name that matches nothing is an error, a pattern is not.</summary>
        public bool IsWildcard => _regex is not null;

        /// <summary>The name with escapes removed (meaningful when <see cref="IsWildcard"/> is false).</summary>
        public string Literal { get; }

        /// <summary>Parses a pattern.</summary>
        /// <exception cref="DsnCommandException">DsnPatternInvalid: a '[' is not closed or the pattern ends with a backtick.</exception>
        public static NamePattern Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var regex = new StringBuilder("^");
            var literal = new StringBuilder();
            var wildcard = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '`':
                        if (i + 1 == text.Length) throw Invalid(text, "it ends with the escape character '`'");
                        i++;
                        regex.Append(Regex.Escape(text[i].ToString()));
                        literal.Append(text[i]);
                        break;
                    case '*':
                        wildcard = true;
                        regex.Append(".*");
                        break;
                    case '?':
                        wildcard = true;
                        regex.Append('.');
                        break;
                    case '[':
                        wildcard = true;
                        i = AppendBracket(text, i, regex);
                        break;
                    default:
                        regex.Append(Regex.Escape(c.ToString()));
                        literal.Append(c);
                        break;
                }
            }

            regex.Append('$');
            var compiled = wildcard
                ? new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)
                : null;
            return new NamePattern(text, compiled, literal.ToString());
        }

        /// <summary>True when <paramref name="name"/> matches (case-insensitively).</summary>
        public bool IsMatch(string name) =>
            _regex is not null ? _regex.IsMatch(name) : string.Equals(name, Literal, StringComparison.OrdinalIgnoreCase);

        /// <inheritdoc/>
        public override string ToString() => Text;

        // Copies a [...] set into the regex; returns the index of the closing bracket.
        private static int AppendBracket(string text, int open, StringBuilder regex)
        {
            var set = new StringBuilder("[");
            var i = open + 1;
            for (; i < text.Length && text[i] != ']'; i++)
            {
                var c = text[i];
                if (c == '`' && i + 1 < text.Length)
                    c = text[++i];
                // '-' between two characters is a range; everything else is a literal member of the set.
                set.Append(c == '-' && set.Length > 1 && i + 1 < text.Length && text[i + 1] != ']' ? "-" : Regex.Escape(c.ToString()).Replace("]", "\\]"));
            }

            if (i >= text.Length || set.Length == 1) throw Invalid(text, "a '[' has no matching ']' or encloses nothing");
            regex.Append(set).Append(']');
            return i;
        }

        private static DsnCommandException Invalid(string text, string why) =>
            new DsnCommandException("DsnPatternInvalid", DsnErrorCategory.InvalidArgument,
                $"The pattern '{text}' is not a valid wildcard pattern: {why}. Escape '[', ']', '*' and '?' with a backtick (`) to match them literally.", text);
    }
}
