using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>module/DistributedState.psd1 against the built assembly (read as text: no PowerShell here to import it).</summary>
    public sealed class ManifestTests : IDisposable
    {
        private readonly ModuleMetadata _metadata = new ModuleMetadata();
        private readonly string _manifest = File.ReadAllText(Path.Combine(Repository.ModuleFolder, "DistributedState.psd1"));

        public void Dispose() => _metadata.Dispose();

        [Fact]
        public void CmdletsToExport_lists_exactly_the_cmdlet_classes()
        {
            var block = Regex.Match(_manifest, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)").Groups["list"].Value;
            var exported = Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(_metadata.CmdletClasses().Select(c => c.Name), exported);
            Assert.DoesNotContain("*", block);
        }

        [Theory]
        [InlineData("RootModule", "DistributedState.PowerShell.dll")]
        [InlineData("PowerShellVersion", "5.1")]
        [InlineData("FormatsToProcess", "DistributedState.format.ps1xml")]
        [InlineData("ProjectUri", "https://")]
        [InlineData("LicenseUri", "https://")]
        public void Declares(string key, string value) =>
            Assert.Matches(new Regex($@"\b{key}\s*=\s*(@\(\s*)?'{Regex.Escape(value)}"), _manifest);

        [Fact]
        public void Is_compatible_with_Desktop_and_Core_and_has_gallery_metadata()
        {
            Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Desktop',\s*'Core'\)", _manifest);
            Assert.Matches(@"Tags\s*=\s*@\('", _manifest);
            Assert.Matches(@"ReleaseNotes\s*=", _manifest);
            foreach (var empty in new[] { "FunctionsToExport", "VariablesToExport", "AliasesToExport" })
                Assert.Matches($@"{empty}\s*=\s*@\(\)", _manifest);
        }

        [Fact]
        public void ModuleVersion_is_the_assembly_version()
        {
            var version = Regex.Match(_manifest, @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
            Assert.Equal(new Version(version), _metadata.Cmdlets.GetName().Version!.ToString(3) is var v ? new Version(v) : null);
        }

        [Fact]
        public void Every_format_file_exists()
        {
            foreach (Match m in Regex.Matches(_manifest, @"'([^']+\.ps1xml)'"))
                Assert.True(File.Exists(Path.Combine(Repository.ModuleFolder, m.Groups[1].Value)), m.Groups[1].Value);
        }
    }
}
