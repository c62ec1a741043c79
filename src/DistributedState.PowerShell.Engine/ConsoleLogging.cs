using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The -LogLevel switch: a Microsoft.Extensions.Logging console logger for one node, off by default. All
    /// Microsoft.Extensions.Logging types stay inside this assembly (loaded in the module's own load context), so
    /// another module's different Microsoft.Extensions.Logging version never meets ours (docs/design-notes.md).
    /// </summary>
    public static class ConsoleLogging
    {
        /// <summary>The names -LogLevel accepts, most verbose first; "None" turns logging off.</summary>
        public static IReadOnlyList<string> LevelNames { get; } =
            new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical", "None" };

        /// <summary>
        /// Creates a logger factory writing to standard error (so a scheduled task's or a pipeline's standard output
        /// stays clean), or null for "None" or no level.
        /// </summary>
        /// <exception cref="DsnCommandException">DsnLogLevelInvalid.</exception>
        internal static ILoggerFactory? Create(string? levelName)
        {
            if (string.IsNullOrEmpty(levelName)) return null;
            var name = LevelNames.FirstOrDefault(n => string.Equals(n, levelName, StringComparison.OrdinalIgnoreCase))
                ?? throw new DsnCommandException("DsnLogLevelInvalid", DsnErrorCategory.InvalidArgument,
                    $"'{levelName}' is not a log level; use one of {string.Join(", ", LevelNames)}.", levelName);
            var level = (LogLevel)Enum.Parse(typeof(LogLevel), name);
            if (level == LogLevel.None) return null;
            return LoggerFactory.Create(builder => builder
                .SetMinimumLevel(level)
                .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.TimestampFormat = "HH:mm:ss.fff ";
                }));
        }
    }
}
