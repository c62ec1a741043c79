using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The -LogLevel parameter: one line per log entry on standard error (so a scheduled task's or a pipeline's
    /// standard output stays clean), off by default. Written here rather than with a logging library so that the
    /// module has no third-party dependency that could meet another module's version (docs/design-notes.md, "Loading").
    /// </summary>
    public sealed class ConsoleLogging : IDsnLogSink
    {
        private readonly DsnLogLevel _minimum;
        private readonly TextWriter _writer;

        internal ConsoleLogging(DsnLogLevel minimum, TextWriter writer)
        {
            _minimum = minimum;
            _writer = writer;
        }

        /// <summary>The names -LogLevel accepts, most verbose first; "None" turns logging off.</summary>
        public static IReadOnlyList<string> LevelNames { get; } =
            Enum.GetNames(typeof(DsnLogLevel)).Concat(new[] { "None" }).ToArray();

        /// <summary>A sink writing to standard error, or null for "None" or no level.</summary>
        /// <exception cref="DsnCommandException">DsnLogLevelInvalid.</exception>
        internal static ConsoleLogging? Create(string? levelName) => Create(levelName, Console.Error);

        /// <summary>A sink writing to <paramref name="writer"/>, or null for "None" or no level.</summary>
        /// <exception cref="DsnCommandException">DsnLogLevelInvalid.</exception>
        internal static ConsoleLogging? Create(string? levelName, TextWriter writer)
        {
            if (string.IsNullOrEmpty(levelName)) return null;
            var name = LevelNames.FirstOrDefault(n => string.Equals(n, levelName, StringComparison.OrdinalIgnoreCase))
                ?? throw new DsnCommandException("DsnLogLevelInvalid", DsnErrorCategory.InvalidArgument,
                    $"'{levelName}' is not a log level; use one of {string.Join(", ", LevelNames)}.", levelName);
            if (name == "None") return null;
            return new ConsoleLogging((DsnLogLevel)Enum.Parse(typeof(DsnLogLevel), name), writer);
        }

        /// <inheritdoc />
        public bool IsEnabled(DsnLogLevel level) => level >= _minimum;

        /// <inheritdoc />
        public void Write(DsnLogEntry entry)
        {
            var line = entry.Timestamp.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + entry;
            lock (_writer) _writer.WriteLine(line);
        }
    }
}
