using System;
using System.Diagnostics;
using System.IO;

namespace DistributedState.PowerShell.Tests.Support
{
    /// <summary>
    /// The module folder as the README's command lays it out: `dotnet publish` of the cmdlet project (already built with
    /// this test run's configuration, so --no-build), into a temporary folder shared by the tests of a class.
    /// </summary>
    public sealed class PublishedModule : IDisposable
    {
        public PublishedModule()
        {
            Folder = Path.Combine(Path.GetTempPath(), "dsn-module-" + Guid.NewGuid().ToString("N"));
            var project = Path.Combine(Repository.Root, "src", "DistributedState.PowerShell");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "publish", project, "--no-build", "--nologo", "-c", Repository.Configuration, "-o", Folder })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000)) process.Kill(entireProcessTree: true);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{output.Result}\n{errors.Result}");
        }

        public string Folder { get; }


        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
