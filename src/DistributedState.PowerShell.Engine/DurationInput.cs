using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The duration parameters (Start-DsnNode's, -TimeToLive, -MaxAge). PowerShell itself converts a number to a TimeSpan of that many ticks
    /// ([TimeSpan]5 is half a microsecond), which no user means; here a number is seconds (5, 0.25, '1.5'), a unit may
    /// follow ('200ms', '5s', '2m', '1h'), and TimeSpan text ('00:00:05', '1.00:00:00') and TimeSpan objects are kept.
    /// 'Infinite' is <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (for -TimeToLive: no lease).
    /// </summary>
    public static class DurationInput
    {
        private static readonly Regex WithUnit = new Regex(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<unit>ms|s|m|h)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Converts one argument; null stays null (the parameter was not given).</summary>
        /// <exception cref="ArgumentException">The value is not a duration; the message shows the accepted forms.</exception>
        public static TimeSpan? Convert(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case TimeSpan span:
                    return span;
                case string text:
                    return Parse(text);
                case IConvertible number when IsNumber(number.GetTypeCode()):
                    return Seconds(number.ToDouble(CultureInfo.InvariantCulture), value);
                default:
                    throw Invalid(value);
            }
        }

        private static TimeSpan Parse(string text)
        {
            if (string.Equals(text.Trim(), "Infinite", StringComparison.OrdinalIgnoreCase))
                return System.Threading.Timeout.InfiniteTimeSpan;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return Seconds(seconds, text);
            var unit = WithUnit.Match(text);
            if (unit.Success)
            {
                var amount = double.Parse(unit.Groups["n"].Value, CultureInfo.InvariantCulture);
                switch (unit.Groups["unit"].Value.ToLowerInvariant())
                {
                    case "ms": return Seconds(amount / 1000, text);
                    case "s": return Seconds(amount, text);
                    case "m": return Seconds(amount * 60, text);
                    default: return Seconds(amount * 3600, text);
                }
            }

            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)) return span;
            throw Invalid(text);
        }

        private static TimeSpan Seconds(double seconds, object original)
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > TimeSpan.MaxValue.TotalSeconds)
                throw Invalid(original);
            return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }

        private static bool IsNumber(TypeCode code) => code >= TypeCode.SByte && code <= TypeCode.Decimal;

        private static ArgumentException Invalid(object value) =>
            new ArgumentException($"'{value}' is not a duration. Give seconds (5 or 0.25), a number with a unit ('200ms', '5s', '2m', '1h'), a TimeSpan ('00:00:05') or 'Infinite'.");
    }
}
