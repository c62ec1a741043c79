using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using DistributedState.Jepsen.Node;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// The controller's side of one node id: the current process (started with <c>ip netns exec</c>, which execs, so the
    /// process is the node itself and signals reach it), its stdin for commands and a reader of its stdout lines.
    /// </summary>
    internal sealed class NodeHandle
    {
        private readonly NetworkLab _lab;
        private readonly string _logFolder;
        private readonly Action<NodeHandle, int, string> _onLine;
        private Process? _process;
        private Task _reading = Task.CompletedTask;

        public NodeHandle(string id, NetworkLab lab, string logFolder, Action<NodeHandle, int, string> onLine)
        {
            Id = id;
            _lab = lab;
            _logFolder = logFolder;
            _onLine = onLine;
        }

        public string Id { get; }

        /// <summary>The current (or last) process's run number; −1 before the first start.</summary>
        public int Run { get; private set; } = -1;

        public bool IsRunning => _process is { HasExited: false };

        public bool IsFrozen { get; private set; }

        public int ProcessId => _process?.Id ?? 0;

        /// <summary>Raised when a process has exited and its last line was read: (handle, run, exit code).</summary>
        public event Action<NodeHandle, int, int>? Exited;

        /// <summary>Starts the next run of this node id. <paramref name="environment"/> adds variables (libfaketime's).</summary>
        public void Start(NodeSettings settings, IReadOnlyDictionary<string, string> environment)
        {
            if (IsRunning)
                throw new InvalidOperationException($"{Id} is already running.");
            Run = settings.Run;
            var start = new ProcessStartInfo("ip")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("netns");
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(_lab.NamespaceOf(Id));
            foreach (var arg in NodeCommand())
                start.ArgumentList.Add(arg);
            foreach (var arg in settings.ToArguments())
                start.ArgumentList.Add(arg);
            foreach (var pair in environment)
                start.Environment[pair.Key] = pair.Value;

            var process = Process.Start(start) ?? throw new InvalidOperationException($"{Id} did not start.");
            _process = process;
            IsFrozen = false;
            var run = Run;
            var stderr = Path.Combine(_logFolder, $"{Id}.run{run}.stderr.txt");
            _reading = Task.Run(async () =>
            {
                var errors = Task.Run(async () =>
                {
                    await using var file = File.CreateText(stderr);
                    await process.StandardError.BaseStream.CopyToAsync(file.BaseStream).ConfigureAwait(false);
                });
                while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is string line)
                    _onLine(this, run, line);
                await errors.ConfigureAwait(false);
                await process.WaitForExitAsync().ConfigureAwait(false);
                Exited?.Invoke(this, run, process.ExitCode);
            });
        }

        /// <summary>Sends one command line; a process that is gone cannot take it, which is not an error here.</summary>
        public void Send(string json)
        {
            try
            {
                if (_process is { HasExited: false } process)
                {
                    process.StandardInput.WriteLine(json);
                    process.StandardInput.Flush();
                }
            }
            catch (IOException)
            {
            }
        }

        /// <summary>kill -9, then waits until its output is drained.</summary>
        public async Task KillAsync()
        {
            if (_process is not { } process)
                return;
            if (!process.HasExited)
                Posix.Signal(process.Id, Posix.SigKill);
            IsFrozen = false;
            await _reading.ConfigureAwait(false);
        }

        public void Freeze()
        {
            if (_process is { HasExited: false } process && Posix.Signal(process.Id, Posix.SigStop) == 0)
                IsFrozen = true;
        }

        public void Thaw()
        {
            if (_process is { HasExited: false } process)
                Posix.Signal(process.Id, Posix.SigCont);
            IsFrozen = false;
        }

        /// <summary>Asks the node to stop gracefully; kills it if it has not exited within <paramref name="grace"/>.</summary>
        public async Task StopAsync(TimeSpan grace)
        {
            if (_process is null)
                return;
            Thaw();
            Send("{\"cmd\":\"exit\"}");
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            if (await Task.WhenAny(_reading, Task.Delay(grace)).ConfigureAwait(false) != _reading)
                await KillAsync().ConfigureAwait(false);
            await _reading.ConfigureAwait(false);
        }

        /// <summary>How to start this same program as a node: through the dotnet host that runs the controller, or its apphost.</summary>
        private static IEnumerable<string> NodeCommand()
        {
            var host = Environment.ProcessPath ?? throw new InvalidOperationException("The controller's executable is unknown.");
            yield return host;
            if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                yield return Assembly.GetExecutingAssembly().Location;
            yield return "node";
        }
    }
}
