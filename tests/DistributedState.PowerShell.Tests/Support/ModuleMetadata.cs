using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace DistributedState.PowerShell.Tests.Support
{
    /// <summary>
    /// The cmdlet assembly read as metadata with MetadataLoadContext. The PowerShellStandard stub gives empty attribute
    /// values at run time, so attribute arguments are read as CustomAttributeData, never from attribute instances.
    /// </summary>
    internal sealed class ModuleMetadata : IDisposable
    {
        private readonly MetadataLoadContext _context;

        public ModuleMetadata()
        {
            var runtime = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll");
            var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
            _context = new MetadataLoadContext(new PathAssemblyResolver(runtime.Concat(local)));
            Cmdlets = _context.LoadFromAssemblyPath(Repository.CmdletAssemblyPath);
            Automation = _context.LoadFromAssemblyName("System.Management.Automation");
        }

        public Assembly Cmdlets { get; }

        public Assembly Automation { get; }

        public Assembly Load(string name) => _context.LoadFromAssemblyName(name);

        /// <summary>Every class with [Cmdlet], with its verb and noun.</summary>
        public IReadOnlyList<CmdletClass> CmdletClasses() =>
            Cmdlets.GetTypes()
                .Select(t => (Type: t, Attribute: Attribute(t, "CmdletAttribute")))
                .Where(x => x.Attribute is not null)
                .Select(x => new CmdletClass(x.Type, x.Attribute!))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .ToList();

        /// <summary>The approved verbs: the constants of PowerShell's Verbs* classes.</summary>
        public IReadOnlyCollection<string> ApprovedVerbs() =>
            Automation.GetTypes()
                .Where(t => t.IsPublic && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
                .Where(f => f.IsLiteral)
                .Select(f => (string)f.GetRawConstantValue()!)
                .ToHashSet(StringComparer.Ordinal);

        public static CustomAttributeData? Attribute(MemberInfo member, string name) =>
            member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == name);

        public static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string name) =>
            member.GetCustomAttributesData().Where(a => a.AttributeType.Name == name);

        public static object? Named(CustomAttributeData attribute, string name) =>
            attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => a.TypedValue.Value).FirstOrDefault();

        public void Dispose() => _context.Dispose();
    }
}
