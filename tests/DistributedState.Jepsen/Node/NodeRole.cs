using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Jepsen.Node
{
    /// <summary>
    /// <c>node</c>: one DSN node in this process, started by the controller inside its own network namespace. Reads
    /// commands as JSON lines on stdin, writes observations as JSON lines on stdout (see docs/reliability.md). Exits when
    /// told to, or when stdin closes (the controller is gone).
    /// </summary>
    internal static class NodeRole
    {
        public static async Task<int> RunAsync(IReadOnlyList<string> argv)
        {
            var settings = NodeSettings.Parse(argv);
            var output = new NodeOutput(Console.OpenStandardOutput());
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
                output.Line("fatal", w => w.WriteString("error", e.ExceptionObject.ToString()));

            await using var node = await DsnNode.StartAsync(settings.ToOptions()).ConfigureAwait(false);
            node.PeerJoined += (_, e) => output.Line("joined", w =>
            {
                w.WriteString("peer", e.NodeId);
                w.WriteString("status", e.Peer.Status.ToString());
                w.WriteNumber("inc", e.Peer.Incarnation);
            });
            node.PeerStatusChanged += (_, e) => output.Line("status", w =>
            {
                w.WriteString("peer", e.NodeId);
                w.WriteString("from", e.OldStatus.ToString());
                w.WriteString("to", e.NewStatus.ToString());
                w.WriteNumber("inc", e.Peer.Incarnation);
            });
            node.DataReceived += (_, e) => output.Line("recv", w =>
            {
                w.WriteString("from", e.SenderId);
                w.WriteString("payload", Encoding.UTF8.GetString(e.Data));
            });
            output.Line("started", w =>
            {
                w.WriteString("endpoint", node.AdvertisedEndPoint.ToString());
                w.WriteNumber("pid", Environment.ProcessId);
                w.WriteNumber("wall", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // shows a skewed clock (libfaketime)
            });

            var workload = new Workload(node, output, settings);
            var reporter = new Reporter(node, output);
            using var stop = new CancellationTokenSource();
            var loops = new[]
            {
                workload.WriteLoopAsync(stop.Token), workload.MessageLoopAsync(stop.Token), reporter.LoopAsync(stop.Token),
            };

            await ObeyAsync(workload, reporter, output).ConfigureAwait(false);

            workload.Quiesce();
            stop.Cancel();
            foreach (var loop in loops)
            {
                try
                {
                    await loop.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            await node.StopAsync().ConfigureAwait(false);
            output.Line("stopped");
            return 0;
        }

        /// <summary>Carries out the controller's commands until <c>exit</c> or the end of stdin.</summary>
        private static async Task ObeyAsync(Workload workload, Reporter reporter, NodeOutput output)
        {
            while (await Console.In.ReadLineAsync().ConfigureAwait(false) is string line)
            {
                using var command = JsonDocument.Parse(line);
                var name = command.RootElement.GetProperty("cmd").GetString();
                switch (name)
                {
                    case "go":
                    case "resume":
                        workload.Go();
                        break;
                    case "quiesce":
                        var last = workload.Quiesce();
                        output.Line("quiesced", w => w.WriteNumber("seq", last));
                        break;
                    case "interval":
                        reporter.SetInterval(command.RootElement.GetProperty("ms").GetInt32());
                        reporter.Report();
                        break;
                    case "dump":
                        reporter.Dump();
                        break;
                    case "exit":
                        return;
                    default:
                        output.Line("error", w => w.WriteString("error", $"unknown command '{name}'"));
                        break;
                }
            }
        }
    }
}
