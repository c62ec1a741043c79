using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>The folder `dotnet publish src/DistributedState.PowerShell` lays out holds everything Import-Module needs.</summary>
    public sealed class ModuleLayoutTests : IClassFixture<PublishedModule>
    {
        // Provided by every PowerShell: the .NET Standard facade and PowerShell's own assembly.
        private static readonly string[] Platform = { "netstandard", "System.Management.Automation" };

        private readonly PublishedModule _module;

        public ModuleLayoutTests(PublishedModule module) => _module = module;

        [Theory]
        [InlineData("DistributedState.psd1")]
        [InlineData("DistributedState.PowerShell.dll")]
        [InlineData("DistributedState.format.ps1xml")]
        [InlineData("en-US/about_DistributedState.help.txt")]
        [InlineData("en-US/DistributedState.PowerShell.dll-Help.xml")]
        [InlineData("DistributedState.dll")]
        [InlineData("DistributedState.PowerShell.Engine.dll")]
        public void Contains(string relativePath) =>
            Assert.True(File.Exists(Path.Combine(_module.Folder, relativePath)), $"{relativePath} is missing from the module folder.");

        [Fact]
        public void The_folder_is_flat_so_plain_probing_finds_every_assembly_when_Import_Module_reflects_over_the_cmdlets() =>
            Assert.Equal(Directory.GetFiles(_module.Folder, "*.dll").Length, Directory.GetFiles(_module.Folder, "*.dll", SearchOption.AllDirectories).Length);

        [Fact]
        public void Ships_no_third_party_assembly_only_ours_and_the_NET_Standard_polyfills_every_PowerShell_7_overrides()
        {
            // A third-party DLL in PowerShell's shared default context can meet another module's version of it
            // (docs/design-notes.md, "Loading"); the System.* polyfills cannot: PowerShell 7's own newer copies win.
            var names = Directory.GetFiles(_module.Folder, "*.dll").Select(Path.GetFileNameWithoutExtension).ToArray();
            Assert.All(names, name => Assert.True(
                name!.StartsWith("DistributedState", StringComparison.Ordinal) || name.StartsWith("System.", StringComparison.Ordinal)
                || name == "Microsoft.Bcl.AsyncInterfaces", $"{name}.dll is a third-party dependency."));
        }

        [Fact]
        public void The_manifest_and_format_file_are_the_ones_in_module()
        {
            foreach (var name in new[] { "DistributedState.psd1", "DistributedState.format.ps1xml" })
                Assert.Equal(File.ReadAllText(Path.Combine(Repository.ModuleFolder, name)), File.ReadAllText(Path.Combine(_module.Folder, name)));
        }

        [Fact]
        public void Every_assembly_reference_is_satisfied_inside_the_module_or_by_the_platform()
        {
            var files = Directory.GetFiles(_module.Folder, "*.dll", SearchOption.AllDirectories);
            var shipped = files.Select(f => AssemblyName.GetAssemblyName(f)).ToDictionary(n => n.Name!, StringComparer.OrdinalIgnoreCase);
            foreach (var file in files)
            foreach (var reference in References(file))
            {
                if (Platform.Contains(reference.Name)) continue;
                Assert.True(shipped.TryGetValue(reference.Name!, out var found), $"{Path.GetFileName(file)} needs {reference.FullName}, which the module does not ship.");
                Assert.True(found!.Version >= reference.Version, $"{Path.GetFileName(file)} needs {reference.FullName}; the module ships {found.Version}.");
            }
        }

        [Fact]
        public void Every_shipped_assembly_targets_netstandard_or_the_framework_both_editions_have()
        {
            foreach (var file in Directory.GetFiles(_module.Folder, "*.dll", SearchOption.AllDirectories))
                Assert.DoesNotContain(References(file), r => r.Name is "System.Runtime" or "System.Private.CoreLib");
        }

        [Fact]
        public void The_MAML_help_has_every_cmdlet_with_every_documented_parameter_and_its_examples()
        {
            XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
            XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
            var help = XDocument.Load(Path.Combine(_module.Folder, "en-US", "DistributedState.PowerShell.dll-Help.xml"));
            Assert.Equal("http://msh", help.Root!.Name.NamespaceName);
            var commands = help.Root.Elements(command + "command")
                .ToDictionary(c => c.Element(command + "details")!.Element(command + "name")!.Value);
            using var metadata = new ModuleMetadata();
            var cmdlets = metadata.CmdletClasses();
            Assert.Equal(cmdlets.Select(c => c.Name), commands.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var cmdlet in cmdlets)
            {
                var entry = commands[cmdlet.Name];
                var documented = entry.Element(command + "parameters")!.Elements(command + "parameter").Select(p => p.Element(maml + "name")!.Value);
                Assert.Equal(cmdlet.DocumentedParameterNames.OrderBy(n => n), documented.OrderBy(n => n));
                Assert.NotEmpty(entry.Element(command + "details")!.Element(maml + "description")!.Value);
                Assert.True(entry.Descendants(command + "example").Count() >= 2, $"{cmdlet} has fewer than two examples in MAML.");
                Assert.All(entry.Descendants(command + "syntaxItem"), item => Assert.Equal(cmdlet.Name, item.Element(maml + "name")!.Value));
            }
        }

        private static AssemblyName[] References(string file)
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h).GetAssemblyName()).ToArray();
        }
    }
}
