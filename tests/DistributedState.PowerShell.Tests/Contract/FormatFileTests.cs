using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>module/DistributedState.format.ps1xml names real types and real properties.</summary>
    public sealed class FormatFileTests : IDisposable
    {
        private readonly ModuleMetadata _metadata = new ModuleMetadata();
        private readonly XDocument _format = XDocument.Load(Path.Combine(Repository.ModuleFolder, "DistributedState.format.ps1xml"));

        public void Dispose() => _metadata.Dispose();

        private Type? Find(string typeName) =>
            new[] { "DistributedState", "DistributedState.PowerShell.Engine", "DistributedState.PowerShell" }
                .Select(a => _metadata.Load(a).GetType(typeName))
                .FirstOrDefault(t => t is not null);

        [Fact]
        public void Every_view_names_an_existing_type_and_its_properties()
        {
            var views = _format.Descendants("View").ToList();
            Assert.NotEmpty(views);
            foreach (var view in views)
            {
                var typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
                var type = Find(typeName);
                Assert.True(type is not null, $"The format file names '{typeName}', which does not exist.");
                foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
                    Assert.True(type!.GetProperty(property) is not null, $"{typeName} has no property '{property}'.");
                var headers = view.Descendants("TableColumnHeader").Count();
                Assert.Equal(headers, view.Descendants("TableColumnItem").Count());
            }
        }

        [Fact]
        public void Nodes_peers_data_entries_and_every_added_output_type_have_a_table_view()
        {
            var viewed = _format.Descendants("TypeName").Select(t => t.Value).ToHashSet();
            var outputs = _metadata.CmdletClasses().SelectMany(c => c.OutputTypes)
                .Where(t => t.Assembly.GetName().Name!.StartsWith("DistributedState", StringComparison.Ordinal))
                .Select(t => t.FullName!);
            foreach (var name in outputs.Concat(new[] { "DistributedState.DsnNode", "DistributedState.DsnPeer", "DistributedState.DsnDataEntry" }))
                Assert.Contains(name, viewed);
        }
    }
}
