using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Converts what a user pipes or passes to Set-DsnData into key/value pairs: a hashtable
    /// (<c>@{cpu='12'; disk='80'}</c>) or one key and one value. State values are strings, so numbers, booleans,
    /// dates and enums are written in invariant culture (<c>@{cpu=12.5}</c> stores "12.5" on every machine,
    /// whatever its locale); anything else (arrays, nested hashtables, objects) is rejected rather than stored as a
    /// type name.
    /// </summary>
    public static class KeyValueInput
    {
        /// <summary>Converts a dictionary; keys are converted like values and must not be empty.</summary>
        /// <param name="dictionary">The input.</param>
        /// <param name="unwrap">Removes the host's wrapper (PowerShell's PSObject) from a key or value; identity when null.</param>
        /// <exception cref="DsnCommandException">DsnKeyInvalid or DsnValueInvalid, naming the entry.</exception>
        public static IReadOnlyList<KeyValuePair<string, string>> FromDictionary(IDictionary dictionary, Func<object?, object?>? unwrap = null)
        {
            if (dictionary is null) throw new ArgumentNullException(nameof(dictionary));
            var pairs = new List<KeyValuePair<string, string>>(dictionary.Count);
            foreach (DictionaryEntry entry in dictionary)
            {
                var key = ConvertKey(unwrap is null ? entry.Key : unwrap(entry.Key));
                pairs.Add(new KeyValuePair<string, string>(key, ConvertValue(key, unwrap is null ? entry.Value : unwrap(entry.Value))));
            }

            return pairs;
        }

        /// <summary>Checks one key given as text, by the runtime's key rule (<see cref="DsnNames.KeyProblem"/>).</summary>
        /// <exception cref="DsnCommandException">DsnKeyInvalid: the key is not text or breaks the rule.</exception>
        public static string ConvertKey(object? key)
        {
            var text = key is null ? null : ToText(key);
            if (text is null)
                throw new DsnCommandException("DsnKeyInvalid", DsnErrorCategory.InvalidArgument,
                    $"A key must be text; a value of type {key?.GetType().FullName ?? "null"} cannot be a key.", key);
            if (DsnNames.KeyProblem(text) is { } problem)
                throw new DsnCommandException("DsnKeyInvalid", DsnErrorCategory.InvalidArgument, problem, key);
            return text;
        }

        /// <summary>Converts one value to the text that is stored.</summary>
        /// <exception cref="DsnCommandException">DsnValueInvalid: the value is null or not a simple value.</exception>
        public static string ConvertValue(string key, object? value)
        {
            if (value is null)
                throw new DsnCommandException("DsnValueInvalid", DsnErrorCategory.InvalidArgument,
                    $"The value of '{key}' is null. To remove a key, use Remove-DsnData.", key);
            return ToText(value) ?? throw new DsnCommandException("DsnValueInvalid", DsnErrorCategory.InvalidArgument,
                $"The value of '{key}' is a {value.GetType().FullName}; a value must be text or a simple value (number, boolean, date, enum). Convert it first, for example with ConvertTo-Json -Compress.",
                key);
        }

        private static string? ToText(object value)
        {
            switch (value)
            {
                case string text:
                    return text;
                case char c:
                    return c.ToString();
                case bool flag:
                    return flag ? "True" : "False";
                case DateTime time:
                    return time.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset time:
                    return time.ToString("o", CultureInfo.InvariantCulture);
                case TimeSpan span:
                    return span.ToString("c", CultureInfo.InvariantCulture);
                case Guid id:
                    return id.ToString();
                case Enum e:
                    return e.ToString();
                case IConvertible number when IsNumber(number.GetTypeCode()):
                    return number.ToString(CultureInfo.InvariantCulture);
                default:
                    return null;
            }
        }

        private static bool IsNumber(TypeCode code) => code >= TypeCode.SByte && code <= TypeCode.Decimal;
    }
}
