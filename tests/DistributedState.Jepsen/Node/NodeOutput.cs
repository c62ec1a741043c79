using System;
using System.IO;
using System.Text.Json;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Node
{
    /// <summary>
    /// The node process's observations, one JSON line each on stdout, stamped on the run's monotonic clock. The
    /// controller reads them as they come (a crashed process loses at most the line it was writing).
    /// </summary>
    internal sealed class NodeOutput
    {
        private readonly JsonLineWriter _writer;

        public NodeOutput(Stream stdout) => _writer = new JsonLineWriter(stdout, flushEachLine: true);

        public void Line(string ev, Action<Utf8JsonWriter>? fields = null)
        {
            try
            {
                _writer.Write(w =>
                {
                    w.WriteString("ev", ev);
                    w.WriteNumber("mono", Monotonic.NowNs);
                    fields?.Invoke(w);
                });
            }
            catch (IOException)
            {
                // The controller is gone (its end of the pipe closed): nobody is left to report to.
                Environment.Exit(3);
            }
        }
    }
}
