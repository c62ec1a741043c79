using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading.Tasks;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>Runs the machine's tools (ip, nft, tc) with argument lists, never through a shell.</summary>
    internal static class Shell
    {
        public sealed record Result(int ExitCode, string Output, string Error)
        {
            public bool Succeeded => ExitCode == 0;
        }

        public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? input = null)
        {
            var start = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = input != null,
                UseShellExecute = false,
            };
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
            }
            catch (Win32Exception e)
            {
                return new Result(127, "", $"{file}: {e.Message}");
            }

            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                if (input != null)
                {
                    await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
                    process.StandardInput.Close();
                }

                await process.WaitForExitAsync().ConfigureAwait(false);
                return new Result(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
            }
        }

        /// <summary>Runs the tool and throws, with its error output, if it fails.</summary>
        public static async Task<string> CheckedAsync(string file, IEnumerable<string> args, string? input = null)
        {
            var result = await RunAsync(file, args, input).ConfigureAwait(false);
            if (!result.Succeeded)
                throw new InvalidOperationException($"{file} {string.Join(" ", args)} failed ({result.ExitCode}): {result.Error.Trim()}");
            return result.Output;
        }

        /// <summary>True if the named program is on PATH.</summary>
        public static bool OnPath(string name)
        {
            foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (System.IO.File.Exists(System.IO.Path.Combine(folder, name)))
                    return true;
            }

            return false;
        }
    }
}
