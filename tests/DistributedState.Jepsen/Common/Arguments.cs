using System;
using System.Collections.Generic;
using System.Globalization;

namespace DistributedState.Jepsen.Common
{
    /// <summary>Command-line options of the form <c>--name value</c> and <c>--flag</c>; unknown or malformed ones are errors.</summary>
    internal sealed class Arguments
    {
        private readonly Dictionary<string, string?> _values = new Dictionary<string, string?>(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);

        /// <param name="args">The arguments after the role.</param>
        /// <param name="flags">Names that take no value.</param>
        public Arguments(IReadOnlyList<string> args, params string[] flags)
        {
            var flagSet = new HashSet<string>(flags, StringComparer.Ordinal);
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                    throw new ArgumentException($"'{arg}' is not an option (options look like --name value).");
                var name = arg.Substring(2);
                if (flagSet.Contains(name))
                    _values[name] = null;
                else if (i + 1 < args.Count)
                    _values[name] = args[++i];
                else
                    throw new ArgumentException($"--{name} needs a value.");
            }
        }

        public bool Flag(string name)
        {
            _used.Add(name);
            return _values.ContainsKey(name);
        }

        public string? Text(string name)
        {
            _used.Add(name);
            return _values.TryGetValue(name, out var value) ? value : null;
        }

        public string Required(string name) => Text(name) ?? throw new ArgumentException($"--{name} is required.");

        public long Number(string name, long fallback)
        {
            var text = Text(name);
            if (text is null)
                return fallback;
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException($"--{name} must be a whole number, not '{text}'.");
        }

        /// <summary>Throws if an option was given that nobody asked for (a typo would otherwise be ignored).</summary>
        public void RejectUnknown()
        {
            foreach (var name in _values.Keys)
            {
                if (!_used.Contains(name))
                    throw new ArgumentException($"--{name} is not an option of this command.");
            }
        }
    }
}
