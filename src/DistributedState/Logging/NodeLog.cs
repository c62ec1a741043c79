using System;
using System.Text;

namespace DistributedState.Logging
{
    /// <summary>
    /// A node's logger: fills message templates ("Probe of {Peer} failed") with their values, in order, only when the
    /// sink wants the level, and stamps each line with the node's id. Without a sink every call is a single check.
    /// </summary>
    internal sealed class NodeLog
    {
        private readonly IDsnLogSink? _sink;
        private readonly string _nodeId;

        public NodeLog(IDsnLogSink? sink, string nodeId)
        {
            _sink = sink;
            _nodeId = nodeId;
        }

        public bool IsEnabled(DsnLogLevel level) => _sink is not null && _sink.IsEnabled(level);

        public void LogTrace(string template, params object?[] values) => Write(DsnLogLevel.Trace, null, template, values);

        public void LogDebug(string template, params object?[] values) => Write(DsnLogLevel.Debug, null, template, values);

        public void LogDebug(Exception error, string template, params object?[] values) => Write(DsnLogLevel.Debug, error, template, values);

        public void LogInformation(string template, params object?[] values) => Write(DsnLogLevel.Information, null, template, values);

        public void LogWarning(string template, params object?[] values) => Write(DsnLogLevel.Warning, null, template, values);

        public void LogWarning(Exception error, string template, params object?[] values) => Write(DsnLogLevel.Warning, error, template, values);

        public void LogError(Exception error, string template, params object?[] values) => Write(DsnLogLevel.Error, error, template, values);

        private void Write(DsnLogLevel level, Exception? error, string template, object?[] values)
        {
            if (!IsEnabled(level)) return;
            try
            {
                _sink!.Write(new DsnLogEntry(DateTimeOffset.Now, _nodeId, level, Fill(template, values), error));
            }
            catch (Exception)
            {
                // A failing sink must not take the protocol down with it; there is nowhere left to report it.
            }
        }

        /// <summary>Replaces each {Name} hole, left to right, with the next value; extra holes stay as written.</summary>
        internal static string Fill(string template, object?[] values)
        {
            if (values.Length == 0) return template;
            var text = new StringBuilder(template.Length + 16 * values.Length);
            var next = 0;
            for (var i = 0; i < template.Length; i++)
            {
                var close = template[i] == '{' && next < values.Length ? template.IndexOf('}', i + 1) : -1;
                if (close < 0)
                {
                    text.Append(template[i]);
                    continue;
                }

                text.Append(values[next++]?.ToString() ?? "(null)");
                i = close;
            }

            return text.ToString();
        }
    }
}
