using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Jepsen.Common;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>
    /// <c>run</c>: the controller. Short run by default (one episode of each fault kind, about two minutes); <c>--long</c>
    /// runs five seeds of six minutes of faults each. Exit code 0 when every check held (or when the machine cannot run
    /// it: then it says SKIPPED and why), 1 when a check failed, 2 when the harness itself failed, 4 when skipped with
    /// <c>--require</c>, 130 when interrupted.
    /// </summary>
    internal static class RunCommand
    {
        public const int LongSeeds = 5;
        public static readonly TimeSpan LongFaultTime = TimeSpan.FromMinutes(6);

        public static async Task<int> RunAsync(IReadOnlyList<string> argv)
        {
            var args = new Arguments(argv, "long", "require");
            var isLong = args.Flag("long");
            var nodes = (int)args.Number("nodes", 7);
            var seeds = Seeds(args.Text("seeds"), args.Text("seed"), isLong);
            var faultTime = TimeSpan.FromSeconds(args.Number("fault-seconds", (long)LongFaultTime.TotalSeconds));
            var output = Path.GetFullPath(args.Text("out") ?? Path.Combine("out", "jepsen"));
            var require = args.Flag("require");
            args.RejectUnknown();

            var capabilities = await Capabilities.ProbeAsync(NetworkLab.RunName(0) + "p").ConfigureAwait(false);
            if (capabilities.SkipReason is string reason)
            {
                Console.WriteLine($"Real-network fault run: SKIPPED ({reason}).");
                return require ? 4 : 0;
            }

            foreach (var missing in new[] { capabilities.NftMissing, capabilities.TbfMissing, capabilities.FaketimeMissing }.OfType<string>())
                Console.WriteLine($"Real-network fault run: {missing}; the faults that need it are skipped.");
            foreach (var swept in await NetworkLab.SweepStaleAsync().ConfigureAwait(false))
                Console.WriteLine($"Removed namespace {swept} left by a run that was killed.");

            using var interrupted = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);
            void Interrupt(PosixSignalContext context)
            {
                context.Cancel = true; // clean up the namespaces first, then exit
                interrupted.Cancel();
            }

            var results = new List<SeedResult>();
            try
            {
                for (var i = 0; i < seeds.Count; i++)
                {
                    var schedule = isLong ? FaultSchedule.Long(seeds[i], nodes, faultTime) : FaultSchedule.Short(seeds[i], nodes);
                    var mode = isLong ? $"long ({faultTime.TotalMinutes:0.#} min of faults)" : "short";
                    Console.WriteLine($"Real-network fault run {i + 1}/{seeds.Count}, {mode}: {schedule.Describe()}");
                    var folder = Path.Combine(output, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{seeds[i]}");
                    var result = await new Runner(schedule, capabilities, folder, i + 1, mode).RunAsync(interrupted.Token).ConfigureAwait(false);
                    results.Add(result);
                    Console.WriteLine(result.Describe());
                    Console.WriteLine($"Replay: dotnet run -c Release --project tests/DistributedState.Jepsen -- run {(isLong ? $"--long --fault-seconds {faultTime.TotalSeconds:0} " : "")}--seed {seeds[i]}");
                }
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                Console.WriteLine("Interrupted; the namespaces and processes of the run were removed.");
                return 130;
            }
            catch (Exception e) when (e is TimeoutException || e is InvalidOperationException || e is IOException)
            {
                Console.WriteLine($"Real-network fault run: the harness failed: {e.Message}");
                return 2;
            }

            Console.WriteLine(SeedResult.TableHeader);
            foreach (var result in results)
                Console.WriteLine(result.TableRow());
            var failed = results.Count(r => !r.Passed);
            Console.WriteLine($"Real-network fault run: {results.Count - failed} of {results.Count} seeds passed.");
            return failed == 0 ? 0 : 1;
        }

        /// <summary>The given seeds; else the given seed (and, for the long run, the next four); else seeds from the clock, printed for replay.</summary>
        private static IReadOnlyList<long> Seeds(string? list, string? single, bool isLong)
        {
            if (list != null)
                return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();
            var first = single is null ? DateTime.UtcNow.Ticks % 1_000_000_000 : Parse(single);
            return Enumerable.Range(0, isLong ? LongSeeds : 1).Select(i => first + i).ToArray();
        }

        private static long Parse(string text) =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : throw new ArgumentException($"'{text}' is not a seed (a whole number).");
    }
}
