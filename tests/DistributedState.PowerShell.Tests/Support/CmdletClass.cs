using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace DistributedState.PowerShell.Tests.Support
{
    /// <summary>One cmdlet class as metadata: its name, attributes and parameters.</summary>
    internal sealed class CmdletClass
    {
        public CmdletClass(Type type, CustomAttributeData cmdlet)
        {
            Type = type;
            Verb = (string)cmdlet.ConstructorArguments[0].Value!;
            Noun = (string)cmdlet.ConstructorArguments[1].Value!;
        }

        public Type Type { get; }

        public string Verb { get; }

        public string Noun { get; }

        public string Name => Verb + "-" + Noun;

        public bool SupportsShouldProcess =>
            ModuleMetadata.Named(ModuleMetadata.Attribute(Type, "CmdletAttribute")!, "SupportsShouldProcess") is true;

        /// <summary>Properties with [Parameter], by name.</summary>
        public IReadOnlyList<PropertyInfo> Parameters =>
            Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => ModuleMetadata.Attribute(p, "ParameterAttribute") is not null)
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .ToList();

        /// <summary>The parameters help documents: the cmdlet's own, plus -WhatIf and -Confirm with ShouldProcess.</summary>
        public IReadOnlyCollection<string> DocumentedParameterNames =>
            Parameters.Select(p => p.Name).Concat(SupportsShouldProcess ? new[] { "WhatIf", "Confirm" } : Array.Empty<string>())
                .ToHashSet(StringComparer.Ordinal);

        /// <summary>The types named by every [OutputType].</summary>
        public IReadOnlyList<Type> OutputTypes =>
            ModuleMetadata.Attributes(Type, "OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { arg.Value })
                .OfType<Type>()
                .ToList();

        public override string ToString() => Name;
    }
}
