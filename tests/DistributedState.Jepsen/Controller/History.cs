using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// history.jsonl: every fault the controller made and every line every node wrote (writes, acks, reports, status
    /// changes, messages), each with <c>t</c>, milliseconds since the run began on the shared monotonic clock, and
    /// <c>src</c> (controller or the node id, with the node's <c>run</c>). Lines are appended as they arrive; sort by
    /// <c>t</c> for the exact order.
    /// </summary>
    internal sealed class History : IDisposable
    {
        private readonly JsonLineWriter _writer;
        private readonly Timer _flush;

        public History(string path, long originNs)
        {
            OriginNs = originNs;
            _writer = new JsonLineWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), flushEachLine: false);
            _flush = new Timer(_ => _writer.Flush(), null, 1000, 1000);
        }

        public long OriginNs { get; }

        public double Ms(long ns) => Math.Round((ns - OriginNs) / 1e6, 3);

        public void Controller(string ev, Action<Utf8JsonWriter>? fields = null)
        {
            var now = Monotonic.NowNs;
            _writer.Write(w =>
            {
                w.WriteNumber("t", Ms(now));
                w.WriteString("src", "controller");
                w.WriteString("ev", ev);
                fields?.Invoke(w);
            });
        }

        /// <summary>A node's line, with its monotonic stamp turned into <c>t</c>.</summary>
        public void Node(string node, int run, JsonElement line)
        {
            _writer.Write(w =>
            {
                w.WriteNumber("t", Ms(line.GetProperty("mono").GetInt64()));
                w.WriteString("src", node);
                w.WriteNumber("run", run);
                foreach (var property in line.EnumerateObject())
                {
                    if (property.Name != "mono")
                        property.WriteTo(w);
                }
            });
        }

        public void Dispose()
        {
            _flush.Dispose();
            _writer.Dispose();
        }
    }
}
