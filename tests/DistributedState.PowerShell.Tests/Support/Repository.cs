using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace DistributedState.PowerShell.Tests.Support
{
    /// <summary>Where the repository and this build are, as the test project recorded them at build time.</summary>
    internal static class Repository
    {
        public static string Root { get; } = Metadata("RepositoryRoot");

        public static string Configuration { get; } = Metadata("Configuration");

        public static string DocsFolder => Path.Combine(Root, "docs", "en-US");

        public static string ModuleFolder => Path.Combine(Root, "module");

        /// <summary>The built cmdlet assembly, as copied beside the tests.</summary>
        public static string CmdletAssemblyPath => Path.Combine(AppContext.BaseDirectory, "DistributedState.PowerShell.dll");

        private static string Metadata(string key) =>
            typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"The test assembly lacks the {key} metadata.");
    }
}
