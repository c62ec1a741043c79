using System;
using System.IO;
using System.Linq;

namespace DistributedState.Tests.Security
{
    /// <summary>A private temporary folder removed at the end of a test.</summary>
    internal sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dsn-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(params string[] names) => System.IO.Path.Combine(new[] { Path }.Concat(names).ToArray());

        /// <summary>Writes a file by hand, as an operator would, then makes it 0600 so that loading it is allowed.</summary>
        public string WriteSecret(string name, string contents)
        {
            var path = File(name);
            System.IO.File.WriteAllText(path, contents);
            if (!OperatingSystem.IsWindows())
                System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
