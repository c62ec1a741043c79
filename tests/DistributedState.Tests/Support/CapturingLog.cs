using System;
using System.Collections.Concurrent;
using System.Linq;

namespace DistributedState.Tests.Support
{
    /// <summary>Collects log lines so tests can assert that a node explained itself (e.g. a wrong network key).</summary>
    public sealed class CapturingLog : IDsnLogSink
    {
        private readonly ConcurrentQueue<string> _lines = new ConcurrentQueue<string>();

        public string[] Lines => _lines.ToArray();

        public bool Contains(string fragment) => _lines.Any(l => l.IndexOf(fragment, StringComparison.OrdinalIgnoreCase) >= 0);

        public bool IsEnabled(DsnLogLevel level) => true;

        public void Write(DsnLogEntry entry) => _lines.Enqueue(entry.ToString());
    }
}
