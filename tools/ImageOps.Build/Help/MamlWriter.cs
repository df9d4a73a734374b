using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using ImageOps.Build.Metadata;

namespace ImageOps.Build.Help;

/// <summary>
/// Writes MAML (<c>ImageOps.PowerShell.dll-Help.xml</c>), the format Get-Help reads for binary
/// cmdlets: the same elements platyPS' New-ExternalHelp produces.
/// </summary>
internal static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<HelpDocument> documents)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"));
        foreach (var doc in documents)
        {
            root.Add(CommandElement(doc));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static XElement CommandElement(HelpDocument doc)
    {
        var c = doc.Cmdlet;
        return new XElement(
            Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(
                Command + "details",
                new XElement(Command + "name", c.Name),
                new XElement(Command + "verb", c.Verb),
                new XElement(Command + "noun", c.Noun),
                Description(new[] { doc.Help.Synopsis })),
            Description(doc.Help.Description),
            new XElement(Command + "syntax", doc.SyntaxSets().Select(set => new XElement(
                Command + "syntaxItem",
                new XElement(Maml + "name", c.Name),
                set.Parameters.Select(p => Parameter(doc, p.Parameter, p.Binding))))),
            new XElement(Command + "parameters", doc.Parameters.Select(p => Parameter(doc, p, Summary(p)))),
            new XElement(Command + "inputTypes", InputTypes(doc)),
            new XElement(Command + "returnValues", c.OutputTypes.Select(t => new XElement(
                Command + "returnValue",
                TypeElement(t),
                Description(new[] { Describe(doc, t) })))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", doc.Help.Notes.Select(n => new XElement(Maml + "para", n)))),
            new XElement(Command + "examples", doc.Help.Examples.Select((e, i) => new XElement(
                Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", e.Remarks.Select(r => new XElement(Maml + "para", r)))))),
            new XElement(Command + "relatedLinks", doc.Help.RelatedLinks.Select(l => new XElement(
                Maml + "navigationLink",
                new XElement(Maml + "linkText", l),
                new XElement(Maml + "uri", l.StartsWith("http", System.StringComparison.Ordinal) ? l : string.Empty)))));
    }

    private static IEnumerable<XElement> InputTypes(HelpDocument doc)
    {
        foreach (var type in doc.InputTypes())
        {
            yield return new XElement(Command + "inputType", TypeElement(type), Description(new[] { Describe(doc, type) }));
        }

        if (doc.TakesPropertiesFromPipeline && !doc.InputTypes().Any())
        {
            yield return new XElement(
                Command + "inputType",
                TypeElement("System.Management.Automation.PSObject"),
                Description(new[] { "Objects with properties named like this cmdlet's parameters bind to them by property name." }));
        }
    }

    private static XElement Parameter(HelpDocument doc, ParameterModel parameter, ParameterSetBinding binding)
    {
        var typeName = parameter.TypeName;
        var element = new XElement(
            Command + "parameter",
            new XAttribute("required", binding.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", typeName.EndsWith("[]", System.StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", parameter.SupportsWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", HelpDocument.PipelineInput(parameter)),
            new XAttribute("position", binding.Position?.ToString(CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(doc.ParameterText(parameter.Name)));
        if (!parameter.IsSwitch)
        {
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), typeName));
        }

        element.Add(new XElement(Dev + "type", new XElement(Maml + "name", typeName), new XElement(Maml + "uri")));
        element.Add(new XElement(Dev + "defaultValue", parameter.IsSwitch ? "False" : "None"));
        return element;
    }

    /// <summary>The binding shown in the parameters section: mandatory if mandatory in every set it is in.</summary>
    private static ParameterSetBinding Summary(ParameterModel parameter)
    {
        var first = parameter.Sets[0];
        return first with
        {
            Mandatory = parameter.Sets.All(s => s.Mandatory),
            Position = parameter.Sets.Select(s => s.Position).FirstOrDefault(p => p is not null),
        };
    }

    private static XElement TypeElement(string fullName)
        => new(Dev + "type", new XElement(Maml + "name", fullName), new XElement(Maml + "uri"), new XElement(Maml + "description"));

    private static string Describe(HelpDocument doc, string type)
        => doc.TypeDescriptions.TryGetValue(type, out var text) ? text : string.Empty;

    private static XElement Description(IEnumerable<string> paragraphs)
        => new(Maml + "description", paragraphs.Where(p => p.Length > 0).Select(p => new XElement(Maml + "para", p)));
}
