using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace DistributedState.Tests.Support
{
    /// <summary>Collects log lines so tests can assert that a node explained itself (e.g. a wrong network key).</summary>
    public sealed class CapturingLoggerFactory : ILoggerFactory
    {
        private readonly ConcurrentQueue<string> _lines = new ConcurrentQueue<string>();

        public string[] Lines => _lines.ToArray();

        public bool Contains(string fragment) => _lines.Any(l => l.IndexOf(fragment, StringComparison.OrdinalIgnoreCase) >= 0);

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }

        private sealed class Logger : ILogger
        {
            private readonly string _category;
            private readonly ConcurrentQueue<string> _lines;

            public Logger(string category, ConcurrentQueue<string> lines)
            {
                _category = category;
                _lines = lines;
            }

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                _lines.Enqueue($"{logLevel} {_category}: {formatter(state, exception)}");
        }
    }
}
