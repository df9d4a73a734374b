using System.IO;
using System.Linq;
using System.Xml.Linq;
using ImageOps.Build.Help;
using ImageOps.Tests;

namespace ImageOps.Build.Tests;

/// <summary>Help generated from the real cmdlet assembly has every part Get-Help shows.</summary>
public class RealModuleHelpTests
{
    private static readonly string CmdletAssembly = Path.Combine(RepoPaths.CmdletBin, "ImageOps.PowerShell.dll");

    [Fact]
    public void Maml_has_one_command_per_cmdlet_with_every_part()
    {
        var docs = HelpBuilder.Build(CmdletAssembly);
        var maml = MamlWriter.Write(docs);
        XNamespace command = MamlWriter.Command;
        XNamespace maml_ = MamlWriter.Maml;
        XNamespace dev = MamlWriter.Dev;

        Assert.Equal("helpItems", maml.Root!.Name.LocalName);
        Assert.Equal("maml", (string?)maml.Root.Attribute("schema"));
        var commands = maml.Root.Elements(command + "command").ToList();
        Assert.Equal(docs.Count, commands.Count);

        foreach (var c in commands)
        {
            var name = c.Element(command + "details")!.Element(command + "name")!.Value;
            Assert.Matches("^[A-Z][a-z]+-[A-Za-z]+$", name);
            Assert.False(string.IsNullOrWhiteSpace(c.Element(command + "details")!.Element(maml_ + "description")!.Value), name + " synopsis");
            Assert.NotEmpty(c.Element(maml_ + "description")!.Elements(maml_ + "para"));
            Assert.NotEmpty(c.Element(command + "syntax")!.Elements(command + "syntaxItem"));
            Assert.NotEmpty(c.Element(command + "examples")!.Elements(command + "example"));
            Assert.All(c.Element(command + "examples")!.Elements(command + "example"), e => Assert.False(string.IsNullOrWhiteSpace(e.Element(dev + "code")!.Value)));
            Assert.NotEmpty(c.Element(command + "returnValues")!.Elements());
            foreach (var parameter in c.Element(command + "parameters")!.Elements(command + "parameter"))
            {
                var pname = parameter.Element(maml_ + "name")!.Value;
                Assert.False(string.IsNullOrWhiteSpace(parameter.Element(maml_ + "description")!.Value), $"{name} -{pname} has no description");
            }
        }
    }

    [Fact]
    public void Remove_ImagePool_help_shows_both_sets_pipeline_input_and_ShouldProcess()
    {
        var doc = HelpBuilder.Build(CmdletAssembly).Single(d => d.Cmdlet.Name == "Remove-ImagePool");
        var sets = doc.SyntaxSets();
        Assert.Equal("ByName", sets[0].Name);
        Assert.True(sets[0].IsDefault);
        Assert.Contains(sets, s => s.Name == "ByInputObject");

        var byName = MarkdownWriter.SyntaxLine("Remove-ImagePool", sets[0].Parameters);
        Assert.StartsWith("Remove-ImagePool [-Name] <String[]>", byName);
        Assert.Contains("[-WhatIf] [-Confirm] [<CommonParameters>]", byName);
        var byInput = MarkdownWriter.SyntaxLine("Remove-ImagePool", sets.Single(s => s.Name == "ByInputObject").Parameters);
        Assert.StartsWith("Remove-ImagePool -InputObject <ImagePoolInfo[]>", byInput);

        var input = doc.Parameters.Single(p => p.Name == "InputObject");
        Assert.Equal("True (ByValue)", HelpDocument.PipelineInput(input));
        Assert.Equal("True (ByPropertyName)", HelpDocument.PipelineInput(doc.Parameters.Single(p => p.Name == "Name")));
        Assert.Contains("ImageOps.Engine.Pools.ImagePoolInfo", doc.InputTypes());
        Assert.Equal(new[] { "Get-ImagePool", "Unregister-ImagePool" }, doc.Help.RelatedLinks);
        Assert.False(string.IsNullOrEmpty(doc.TypeDescriptions["ImageOps.Engine.Pools.PoolRemovalResult"]));
    }

    [Fact]
    public void Markdown_pages_follow_the_platyPS_layout()
    {
        var doc = HelpBuilder.Build(CmdletAssembly).Single(d => d.Cmdlet.Name == "Get-ImagePool");
        var page = MarkdownWriter.Page(doc);
        var headings = page.Split('\n').Where(l => l.StartsWith("## ", System.StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "## SYNOPSIS", "## SYNTAX", "## DESCRIPTION", "## EXAMPLES", "## PARAMETERS", "## INPUTS", "## OUTPUTS", "## NOTES", "## RELATED LINKS" }, headings);
        Assert.Contains("Accept wildcard characters: True", page);
        Assert.Contains("```powershell\nGet-ImagePool\n```", page);
    }

    [Fact]
    public void Lint_reports_undocumented_cmdlets_and_parameters()
    {
        var doc = HelpBuilder.Build(CmdletAssembly).First();
        doc.Help.Synopsis = string.Empty;
        doc.Help.Examples.Clear();
        doc.Help.Parameters.Remove(doc.Parameters[0].Name);
        var problems = HelpLint.Problems(new[] { doc });
        Assert.Contains(problems, p => p.Contains("no synopsis"));
        Assert.Contains(problems, p => p.Contains("no example"));
        Assert.Contains(problems, p => p.Contains("-" + doc.Parameters[0].Name + " has no description"));
    }
}
