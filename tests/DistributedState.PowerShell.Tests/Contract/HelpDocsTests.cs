using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>docs/en-US documents every cmdlet and every parameter in PlatyPS schema 2.0.0.</summary>
    public sealed class HelpDocsTests : IDisposable
    {
        private static readonly string[] Headings =
        {
            "## SYNOPSIS", "## SYNTAX", "## DESCRIPTION", "## EXAMPLES", "## PARAMETERS", "### CommonParameters", "## INPUTS", "## OUTPUTS",
            "## NOTES", "## RELATED LINKS",
        };

        private readonly ModuleMetadata _metadata = new ModuleMetadata();

        public void Dispose() => _metadata.Dispose();

        private static string Doc(string name) => File.ReadAllText(Path.Combine(Repository.DocsFolder, name + ".md")).Replace("\r\n", "\n");

        [Fact]
        public void Every_cmdlet_has_a_PlatyPS_page_with_front_matter_and_headings_in_order()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            {
                var doc = Doc(cmdlet.Name);
                Assert.StartsWith("---\n", doc);
                var front = doc.Substring(4, doc.IndexOf("\n---\n", 4, StringComparison.Ordinal) - 4);
                Assert.Contains("external help file: DistributedState.PowerShell.dll-Help.xml", front);
                Assert.Contains("Module Name: DistributedState", front);
                Assert.Contains("online version:", front);
                Assert.Contains("schema: 2.0.0", front);
                Assert.Contains($"\n# {cmdlet.Name}\n", doc);
                var positions = Headings.Select(h => doc.IndexOf("\n" + h + "\n", StringComparison.Ordinal)).ToList();
                Assert.True(positions.All(p => p > 0), $"{cmdlet}: missing {string.Join(", ", Headings.Where((h, i) => positions[i] <= 0))}");
                Assert.Equal(positions.OrderBy(p => p), positions);
            }
        }

        [Fact]
        public void Every_cmdlet_has_a_HelpUri_that_is_its_pages_online_version()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            {
                var uri = ModuleMetadata.Named(ModuleMetadata.Attribute(cmdlet.Type, "CmdletAttribute")!, "HelpUri") as string;
                Assert.Equal($"https://github.com/distributedstate/DistributedState/blob/main/docs/en-US/{cmdlet.Name}.md", uri);
                Assert.Contains($"\nonline version: {uri}\n", Doc(cmdlet.Name));
            }
        }

        [Fact]
        public void Every_cmdlet_has_at_least_two_examples_with_code()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            {
                var examples = Regex.Split(Doc(cmdlet.Name), @"\n### Example \d+").Skip(1).ToList();
                Assert.True(examples.Count >= 2, $"{cmdlet} has {examples.Count} examples.");
                Assert.All(examples, e => Assert.Contains("```powershell\n", e));
            }
        }

        [Fact]
        public void Every_parameter_and_no_other_is_documented_with_its_yaml_block()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            {
                var sections = Parameters(Doc(cmdlet.Name));
                Assert.Equal(cmdlet.DocumentedParameterNames.OrderBy(n => n), sections.Keys.OrderBy(n => n));
                foreach (var parameter in cmdlet.Parameters)
                {
                    var yaml = sections[parameter.Name];
                    Assert.True(yaml.Contains("Type: ") && yaml.Contains("Required: ") && yaml.Contains("Position: ") &&
                                yaml.Contains("Accept pipeline input: "), $"{cmdlet} -{parameter.Name}: incomplete yaml block.");
                    var wildcards = ModuleMetadata.Attribute(parameter, "SupportsWildcardsAttribute") is not null;
                    Assert.True(yaml.Contains($"Accept wildcard characters: {wildcards}"), $"{cmdlet} -{parameter.Name}: wildcard flag should be {wildcards}.");
                }
            }
        }

        [Fact]
        public void Every_parameter_appears_in_the_syntax()
        {
            foreach (var cmdlet in _metadata.CmdletClasses())
            {
                var doc = Doc(cmdlet.Name);
                var syntax = doc.Substring(doc.IndexOf("\n## SYNTAX\n", StringComparison.Ordinal), doc.IndexOf("\n## DESCRIPTION\n", StringComparison.Ordinal) - doc.IndexOf("\n## SYNTAX\n", StringComparison.Ordinal));
                foreach (var name in cmdlet.DocumentedParameterNames)
                    Assert.True(syntax.Contains("-" + name), $"{cmdlet}: -{name} is missing from SYNTAX.");
            }
        }

        [Fact]
        public void The_about_topic_explains_the_concepts()
        {
            var about = Doc("about_DistributedState");
            foreach (var topic in new[] { "# about_DistributedState\n", "## SHORT DESCRIPTION", "## LONG DESCRIPTION", "Register-ObjectEvent", "default node", "ErrorId", "New-DsnKey" })
                Assert.Contains(topic, about);
        }

        // "### -Name" sections of PARAMETERS, each with the body of its ```yaml block.
        private static Dictionary<string, string> Parameters(string doc)
        {
            var start = doc.IndexOf("\n## PARAMETERS\n", StringComparison.Ordinal);
            var end = doc.IndexOf("\n### CommonParameters\n", StringComparison.Ordinal);
            var section = doc.Substring(start, end - start);
            return Regex.Matches(section, @"\n### -(?<name>\w+)\n(?<body>.*?)(?=\n### -|\z)", RegexOptions.Singleline)
                .ToDictionary(m => m.Groups["name"].Value, m => Regex.Match(m.Groups["body"].Value, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value);
        }
    }
}
