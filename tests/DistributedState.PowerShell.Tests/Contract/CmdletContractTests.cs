using System;
using System.Collections.Generic;
using System.Linq;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>The cmdlets' static contract, read from the built assembly's metadata.</summary>
    public sealed class CmdletContractTests : IDisposable
    {
        private static readonly string[] StateChanging =
            {
                "New-DsnKey", "Start-DsnNode", "Stop-DsnNode", "Set-DsnData", "Remove-DsnData", "Send-DsnData", "Invoke-DsnQuery",
                "New-DsnTestNetwork", "Split-DsnTestNetwork", "Join-DsnTestNetwork", "Set-DsnTestLink", "Suspend-DsnTestNode",
                "Resume-DsnTestNode", "Stop-DsnTestNode", "Remove-DsnTestNetwork", "Add-DsnNetworkKey", "Set-DsnPrimaryNetworkKey",
                "Remove-DsnNetworkKey",
            };

        private readonly ModuleMetadata _metadata = new ModuleMetadata();

        public void Dispose() => _metadata.Dispose();

        [Fact]
        public void The_module_has_the_cmdlets_of_the_spec() =>
            Assert.Equal(
                new[]
                {
                    "Add-DsnNetworkKey", "Get-DsnData", "Get-DsnNetworkKey", "Get-DsnNode", "Get-DsnPeer", "Invoke-DsnQuery", "Join-DsnTestNetwork",
                    "New-DsnKey", "New-DsnSubscription", "New-DsnTestNetwork", "Remove-DsnData", "Remove-DsnNetworkKey", "Remove-DsnTestNetwork",
                    "Resume-DsnTestNode", "Send-DsnData", "Set-DsnData", "Set-DsnPrimaryNetworkKey", "Set-DsnTestLink", "Split-DsnTestNetwork",
                    "Start-DsnNode", "Stop-DsnNode", "Stop-DsnTestNode", "Suspend-DsnTestNode", "Wait-DsnData", "Wait-DsnPeer",
                },
                _metadata.CmdletClasses().Select(c => c.Name));

        [Fact]
        public void Every_cmdlet_uses_an_approved_verb_and_the_Dsn_prefix()
        {
            var verbs = _metadata.ApprovedVerbs();
            Assert.Contains("Get", verbs);
            foreach (var cmdlet in _metadata.CmdletClasses())
            {
                Assert.True(verbs.Contains(cmdlet.Verb), $"{cmdlet}: '{cmdlet.Verb}' is not an approved verb.");
                Assert.StartsWith("Dsn", cmdlet.Noun, StringComparison.Ordinal);
                Assert.Equal(cmdlet.Verb + cmdlet.Noun + "Command", cmdlet.Type.Name);
                Assert.Equal("DistributedState.PowerShell", cmdlet.Type.Namespace);
            }
        }

        [Fact]
        public void Every_cmdlet_declares_OutputType_with_types_that_exist()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
                Assert.True(cmdlet.OutputTypes.Count > 0, $"{cmdlet} has no [OutputType].");
        }

        [Fact]
        public void State_changing_cmdlets_support_ShouldProcess_and_the_others_do_not()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
                Assert.True(StateChanging.Contains(cmdlet.Name) == cmdlet.SupportsShouldProcess,
                    $"{cmdlet}: SupportsShouldProcess is {cmdlet.SupportsShouldProcess}.");
        }

        [Fact]
        public void Cmdlets_that_otherwise_return_nothing_have_PassThru()
        {
            foreach (var name in new[] { "Stop-DsnNode", "Set-DsnData", "Remove-DsnData", "Send-DsnData" })
                Assert.Contains("PassThru", Cmdlet(name).Parameters.Select(p => p.Name));
        }

        [Fact]
        public void Name_parameters_that_list_support_wildcards_and_the_rest_do_not()
        {
            var wildcards = new HashSet<string>
            {
                "Get-DsnNode -NodeId", "Stop-DsnNode -NodeId", "Get-DsnData -NodeId", "Get-DsnData -Key", "Get-DsnPeer -NodeId", "Remove-DsnData -Key",
                "Wait-DsnData -NodeId", "Wait-DsnPeer -NodeId", "New-DsnSubscription -NodeId", "New-DsnSubscription -Key", "Invoke-DsnQuery -NodeId",
            };
            foreach (var cmdlet in _metadata.CmdletClasses())
            foreach (var parameter in cmdlet.Parameters)
            {
                var name = $"{cmdlet} -{parameter.Name}";
                Assert.True(wildcards.Contains(name) == (ModuleMetadata.Attribute(parameter, "SupportsWildcardsAttribute") is not null), name);
            }
        }

        [Fact]
        public void Typed_NodeIds_and_keys_have_argument_completers()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            foreach (var parameter in cmdlet.Parameters.Where(p => p.Name is "NodeId" || (p.Name is "Key" && p.PropertyType.Name.StartsWith("String"))))
            {
                if (cmdlet.Name == "Start-DsnNode") continue; // a new NodeId has nothing to complete from
                if (cmdlet.Noun.EndsWith("NetworkKey", StringComparison.Ordinal)) continue; // -Key is a network key: a secret, never offered
                var completer = ModuleMetadata.Attribute(parameter, "ArgumentCompleterAttribute");
                Assert.True(completer is not null, $"{cmdlet} -{parameter.Name} has no argument completer.");
                var type = (Type)completer!.ConstructorArguments[0].Value!;
                Assert.Contains(type.GetInterfaces(), i => i.Name == "IArgumentCompleter");
            }
        }

        [Fact]
        public void The_node_binds_from_the_pipeline_and_names_by_property_name()
        {
            Assert.Equal(true, Parameter("Stop-DsnNode", "Node", "ValueFromPipeline"));
            foreach (var name in new[] { "Get-DsnNode", "Stop-DsnNode", "Get-DsnData", "Get-DsnPeer", "Send-DsnData", "Wait-DsnPeer", "Wait-DsnData" })
                Assert.Equal(true, Parameter(name, "NodeId", "ValueFromPipelineByPropertyName"));
            Assert.Equal(true, Parameter("Set-DsnData", "InputObject", "ValueFromPipeline"));
            Assert.Equal(true, Parameter("Set-DsnData", "Key", "ValueFromPipelineByPropertyName"));
            Assert.Equal(true, Parameter("Set-DsnData", "Value", "ValueFromPipelineByPropertyName"));
        }

        [Fact]
        public void LogLevel_offers_exactly_the_engines_level_names()
        {
            var parameter = Cmdlet("Start-DsnNode").Parameters.Single(p => p.Name == "LogLevel");
            var set = ModuleMetadata.Attribute(parameter, "ValidateSetAttribute")!.ConstructorArguments[0].Value;
            var values = ((IEnumerable<System.Reflection.CustomAttributeTypedArgument>)set!).Select(v => (string)v.Value!);
            Assert.Equal(DistributedState.PowerShell.Engine.ConsoleLogging.LevelNames, values);
        }

        [Fact]
        public void No_cmdlet_signature_mentions_a_logging_type()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            foreach (var parameter in cmdlet.Parameters)
                Assert.DoesNotContain("Microsoft.Extensions", parameter.PropertyType.FullName ?? string.Empty);
            Assert.DoesNotContain(_metadata.Cmdlets.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.Extensions", StringComparison.Ordinal));
        }

        private CmdletClass Cmdlet(string name) => _metadata.CmdletClasses().Single(c => c.Name == name);

        private object? Parameter(string cmdlet, string parameter, string argument) =>
            ModuleMetadata.Attributes(Cmdlet(cmdlet).Parameters.Single(p => p.Name == parameter), "ParameterAttribute")
                .Select(a => ModuleMetadata.Named(a, argument)).FirstOrDefault(v => v is not null);
    }
}
