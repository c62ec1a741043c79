using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace DistributedState.Tests.Storage
{
    /// <summary>
    /// kill -9 at random moments never leaves a torn file: a child process (tests/DistributedState.CrashWriter) restores
    /// its state from a data directory and writes without pause; it is killed with SIGKILL at a random moment (seeded),
    /// sometimes before it even finished starting; each time the directory must load, and hold exactly the state after
    /// some write n (all keys of one write together, none of a later one), with n never going back. Each iteration
    /// continues from what the last left. DSN_KILL_ITERATIONS raises the count (default 30).
    /// </summary>
    public sealed class KillDuringSaveTests : IDisposable
    {
        private const int PadKeys = 50;
        private const int PadBytes = 16 * 1024;
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "dsn-kill-" + Guid.NewGuid().ToString("N"));
        private readonly ITestOutputHelper _output;

        public KillDuringSaveTests(ITestOutputHelper output) => _output = output;

        public void Dispose()
        {
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        [Fact]
        public async Task A_writer_killed_at_random_moments_always_leaves_a_directory_that_loads_whole()
        {
            var iterations = int.TryParse(Environment.GetEnvironmentVariable("DSN_KILL_ITERATIONS"), out var n) ? n : 30;
            var random = new Random(20261202);
            var key = DsnNetworkKey.Generate();
            long last = 0;
            var killedDuringSave = 0;
            var killedBeforeReady = 0;
            for (var i = 0; i < iterations; i++)
            {
                using var child = StartWriter(key);
                var beforeReady = random.Next(5) == 0;
                if (beforeReady)
                {
                    killedBeforeReady++;
                }
                else
                {
                    var ready = await ReadLineAsync(child);
                    Assert.StartsWith("ready ", ready);
                    Assert.True(long.Parse(ready.Substring(6), CultureInfo.InvariantCulture) >= last, $"iteration {i}: restored {ready}, below {last}");
                }

                // The random moment of the kill is what this test is about, not a guess at how long something takes.
                await Task.Delay(random.Next(0, 400));
                child.Kill(); // SIGKILL on Unix, TerminateProcess on Windows: no handler runs
                child.WaitForExit();
                if (Directory.GetFiles(Path.Combine(_directory, "writer"), "*.tmp-*").Length > 0)
                    killedDuringSave++;

                var seq = await LoadAndCheckAsync(key);
                Assert.True(seq >= last, $"iteration {i}: the state went back from write {last} to {seq}");
                last = seq;
            }

            _output.WriteLine($"{iterations} kills ({killedBeforeReady} before the writer was ready, {killedDuringSave} in the middle of a save); the writer reached write {last}.");
            Assert.True(last > 0, "the writer's writes were saved at all");
            // How many kills hit a save depends on the machine's speed (a leftover temporary file shows it); reported, not asserted.
        }

        /// <summary>Starts a node on the directory (as the next run would), checks its own state, and returns its write number.</summary>
        private async Task<long> LoadAndCheckAsync(DsnNetworkKey key)
        {
            var node = await DsnNode.StartAsync(new DsnNodeOptions
            {
                NodeId = "writer",
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = key,
                DataPath = Path.Combine(_directory, "writer"),
                LeaveOnProcessExit = false,
            });
            try
            {
                Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "writer"), "*.tmp-*")); // the start removed them
                var state = node.GetState("writer");
                if (state.Count == 0)
                    return 0; // killed before its first save
                var seq = long.Parse(state["seq"], CultureInfo.InvariantCulture);
                Assert.Equal(state["seq"], state["a"]);
                Assert.Equal(state["seq"], state["b"]);
                var expected = new Dictionary<string, string> { ["seq"] = state["seq"], ["a"] = state["seq"], ["b"] = state["seq"] };
                for (var write = Math.Max(1, seq - PadKeys + 1); write <= seq; write++)
                    expected["pad-" + (write % PadKeys).ToString(CultureInfo.InvariantCulture)] = write.ToString(CultureInfo.InvariantCulture) + ":" + new string('x', PadBytes);
                Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), state.OrderBy(p => p.Key, StringComparer.Ordinal));
                return seq;
            }
            finally
            {
                await node.CrashAsync(); // leave the files exactly as the check found them
            }
        }

        private Process StartWriter(DsnNetworkKey key)
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(WriterPath());
            info.ArgumentList.Add(Path.Combine(_directory, "writer"));
            info.ArgumentList.Add(key.ToString());
            var process = Process.Start(info)!;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                    _output.WriteLine("writer: " + e.Data);
            };
            process.BeginErrorReadLine();
            return process;
        }

        private static async Task<string> ReadLineAsync(Process child)
        {
            var line = child.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(line, Task.Delay(TimeSpan.FromSeconds(60))) != line)
                throw new TimeoutException("The writer did not report ready within 60 s.");
            return await line ?? throw new InvalidOperationException("The writer exited before it was ready.");
        }

        /// <summary>The writer is built beside this assembly's project, in the same configuration.</summary>
        private static string WriterPath()
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // tests/DistributedState.Tests/bin/<config>/<tfm>
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(tests, "DistributedState.CrashWriter", "bin", configuration, framework, "DistributedState.CrashWriter.dll");
            Assert.True(File.Exists(path), $"The writer was not built at {path}.");
            return path;
        }
    }
}
