using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using DistributedState.Jepsen.Checks;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// Everything the nodes reported, gathered as their lines arrive (from one reader per process, hence the lock),
    /// and the model of acknowledged writes: per process (node id and run), each key's last acknowledged value. A
    /// restarted node begins an empty run (the runtime persists no state yet), so the state every survivor must end
    /// up holding for an owner is its current run's acknowledged state.
    /// </summary>
    internal sealed class Observations
    {
        private readonly object _gate = new object();
        private readonly Dictionary<(string Node, int Run), Dictionary<string, string>> _acked = new Dictionary<(string, int), Dictionary<string, string>>();
        private readonly Dictionary<(string Node, int Run, long Seq), (string Key, string? Value)> _pending = new Dictionary<(string, int, long), (string, string?)>();
        private readonly Dictionary<(string Node, int Run, long Seq), MessageSend> _sends = new Dictionary<(string, int, long), MessageSend>();
        private readonly Dictionary<string, ViewReport> _latest = new Dictionary<string, ViewReport>();
        private readonly Dictionary<string, long> _quiescedAt = new Dictionary<string, long>();
        private readonly Dictionary<string, (long AtNs, Dictionary<string, Dictionary<string, string>> States)> _dumps = new Dictionary<string, (long, Dictionary<string, Dictionary<string, string>>)>();
        private readonly Dictionary<string, long> _startedAt = new Dictionary<string, long>();

        public long WritesAttempted { get; private set; }

        public long WritesAcknowledged { get; private set; }

        public long WritesFailed { get; private set; }

        public List<ProcessLife> Lives { get; } = new List<ProcessLife>();

        public List<StatusReport> Statuses { get; } = new List<StatusReport>();

        public List<StatsSample> Stats { get; } = new List<StatsSample>();

        public List<MessageReceipt> Receipts { get; } = new List<MessageReceipt>();

        public IEnumerable<MessageSend> Sends => _sends.Values;

        /// <summary>Lines that say a node itself went wrong (an unhandled exception, an unknown command).</summary>
        public List<string> Problems { get; } = new List<string>();

        public void Accept(string node, int run, JsonElement line)
        {
            var at = line.GetProperty("mono").GetInt64();
            var ev = line.GetProperty("ev").GetString();
            lock (_gate)
            {
                switch (ev)
                {
                    case "started":
                        _startedAt[node] = at;
                        var started = Lives.LastOrDefault(l => l.Node == node && l.Run == run);
                        if (started != null)
                            started.StartedNs = at;
                        _acked.TryAdd((node, run), new Dictionary<string, string>(StringComparer.Ordinal));
                        break;
                    case "write":
                        WritesAttempted++;
                        var value = line.GetProperty("value");
                        _pending[(node, run, line.GetProperty("seq").GetInt64())] =
                            (line.GetProperty("key").GetString()!, value.ValueKind == JsonValueKind.Null ? null : value.GetString());
                        break;
                    case "ack":
                        Acknowledge(node, run, line.GetProperty("seq").GetInt64());
                        break;
                    case "write-failed":
                        WritesFailed++;
                        _pending.Remove((node, run, line.GetProperty("seq").GetInt64()));
                        break;
                    case "joined":
                        Statuses.Add(new StatusReport(at, node, run, line.GetProperty("peer").GetString()!, null, line.GetProperty("status").GetString()!, line.GetProperty("inc").GetInt64()));
                        break;
                    case "status":
                        Statuses.Add(new StatusReport(at, node, run, line.GetProperty("peer").GetString()!, line.GetProperty("from").GetString(), line.GetProperty("to").GetString()!, line.GetProperty("inc").GetInt64()));
                        break;
                    case "report":
                        _latest[node] = new ViewReport(at, node, run, Map(line.GetProperty("view")), Map(line.GetProperty("owners")), line.GetProperty("digest").GetString()!);
                        break;
                    case "stats":
                        var counters = line.GetProperty("counters");
                        long Counter(string name) => counters.TryGetProperty(name, out var c) ? c.GetInt64() : 0;
                        Stats.Add(new StatsSample(at, node, run, line.GetProperty("rss").GetInt64(), line.GetProperty("heap").GetInt64(),
                            line.GetProperty("threads").GetInt32(), line.GetProperty("fds").GetInt32(), Counter("sessions.opened") - Counter("sessions.closed")));
                        break;
                    case "quiesced":
                        _quiescedAt[node] = at;
                        break;
                    case "dump":
                        _dumps[node] = (at, line.GetProperty("states").EnumerateObject().ToDictionary(o => o.Name, o => Map(o.Value), StringComparer.Ordinal));
                        break;
                    case "send":
                        var seq = line.GetProperty("seq").GetInt64();
                        _sends[(node, run, seq)] = new MessageSend(node, run, seq, line.GetProperty("to").GetString()!, line.GetProperty("payload").GetString()!, at);
                        break;
                    case "sent":
                        if (_sends.TryGetValue((node, run, line.GetProperty("seq").GetInt64()), out var sent))
                            sent.AckedNs = at;
                        break;
                    case "send-failed":
                        if (_sends.TryGetValue((node, run, line.GetProperty("seq").GetInt64()), out var failed))
                            failed.Error = line.GetProperty("error").GetString();
                        break;
                    case "recv":
                        Receipts.Add(new MessageReceipt(node, run, line.GetProperty("from").GetString()!, line.GetProperty("payload").GetString()!, at));
                        break;
                    case "fatal":
                    case "error":
                        Problems.Add($"{node} (run {run}): {line.GetProperty("error").GetString()}");
                        break;
                }
            }
        }

        public ProcessLife Began(string node, int run, long atNs)
        {
            lock (_gate)
            {
                var life = new ProcessLife(node, run, atNs);
                Lives.Add(life);
                return life;
            }
        }

        public void Ended(ProcessLife life, int exitCode, long atNs)
        {
            lock (_gate)
            {
                life.EndNs = atNs;
                life.ExitCode = exitCode;
            }
        }

        /// <summary>The acknowledged state of one process: what every survivor must hold for that owner.</summary>
        public Dictionary<string, string> Expected(string node, int run)
        {
            lock (_gate)
                return _acked.TryGetValue((node, run), out var state) ? new Dictionary<string, string>(state, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        }

        public long? StartedAt(string node)
        {
            lock (_gate)
                return _startedAt.TryGetValue(node, out var at) ? at : null;
        }

        public ViewReport? Latest(string node)
        {
            lock (_gate)
                return _latest.TryGetValue(node, out var report) ? report : null;
        }

        public long? QuiescedAt(string node)
        {
            lock (_gate)
                return _quiescedAt.TryGetValue(node, out var at) ? at : null;
        }

        public (long AtNs, Dictionary<string, Dictionary<string, string>> States)? Dump(string node)
        {
            lock (_gate)
                return _dumps.TryGetValue(node, out var dump) ? dump : null;
        }

        private void Acknowledge(string node, int run, long seq)
        {
            if (!_pending.Remove((node, run, seq), out var write))
                return;
            WritesAcknowledged++;
            var state = _acked[(node, run)];
            if (write.Value is null)
                state.Remove(write.Key);
            else
                state[write.Key] = write.Value;
        }

        private static Dictionary<string, string> Map(JsonElement element) =>
            element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
    }
}
