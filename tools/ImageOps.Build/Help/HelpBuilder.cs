using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Build.Metadata;

namespace ImageOps.Build.Help;

/// <summary>
/// Joins the cmdlets of an assembly with their XML doc comments (the cmdlet assembly's file, plus
/// the doc files of the assemblies beside it for input and output type descriptions).
/// </summary>
internal static class HelpBuilder
{
    public static IReadOnlyList<HelpDocument> Build(string cmdletAssemblyPath, string? powerShellReference = null)
    {
        using var assembly = CmdletAssembly.Open(cmdletAssemblyPath, powerShellReference);
        var cmdlets = assembly.Cmdlets();
        var byType = cmdlets.ToDictionary(c => c.TypeFullName, c => c.Name, StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(Path.GetFullPath(cmdletAssemblyPath))!;
        var docFiles = Directory.GetFiles(folder, "ImageOps.*.xml");
        var docs = new XmlDocs(docFiles, type => byType.TryGetValue(type, out var name) ? name : null);
        return cmdlets.Select(c => new HelpDocument(c, Read(docs, c), TypeDescriptions(docs, c))).ToList();
    }

    private static CommandHelp Read(XmlDocs docs, CmdletModel cmdlet)
    {
        var typeId = "T:" + cmdlet.TypeFullName;
        var help = new CommandHelp
        {
            Synopsis = string.Join(" ", docs.Paragraphs(typeId, "summary")),
        };
        help.Description.AddRange(docs.Paragraphs(typeId, "remarks"));

        var member = docs.Member(typeId);
        if (member is not null)
        {
            foreach (var example in member.Elements("example"))
            {
                var code = example.Element("code");
                var remarks = new System.Xml.Linq.XElement(example);
                remarks.Element("code")?.Remove();
                help.Examples.Add(new HelpExample(code is null ? string.Empty : XmlDocs.Code(code), docs.Paragraphs(remarks)));
            }

            foreach (var see in member.Elements("seealso"))
            {
                help.RelatedLinks.Add(docs.SeeText(see));
            }

            var notes = member.Element("note");
            if (notes is not null)
            {
                help.Notes.AddRange(docs.Paragraphs(notes));
            }
        }

        foreach (var parameter in cmdlet.Parameters)
        {
            var text = docs.Paragraphs("P:" + parameter.DeclaringTypeFullName + "." + parameter.Name, "summary");
            if (text.Count > 0)
            {
                help.Parameters[parameter.Name] = text;
            }
        }

        return help;
    }

    private static IReadOnlyDictionary<string, string> TypeDescriptions(XmlDocs docs, CmdletModel cmdlet)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var types = cmdlet.OutputTypes.Concat(cmdlet.Parameters.Where(p => p.Sets.Any(s => s.ValueFromPipeline)).Select(p => p.TypeFullName.TrimEnd(']', '[')));
        foreach (var type in types.Distinct())
        {
            var text = docs.Paragraphs("T:" + type, "summary");
            result[type] = text.Count > 0 ? string.Join(" ", text) : DescribeBuiltIn(type);
        }

        return result;
    }

    private static string DescribeBuiltIn(string type) => type switch
    {
        "System.String" => "You can pipe strings to this cmdlet.",
        _ => string.Empty,
    };
}
