using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ImageOps.Build.Metadata;

namespace ImageOps.Build.Help;

/// <summary>Writes one Markdown page per cmdlet, in the layout platyPS uses, plus an index.</summary>
internal static class MarkdownWriter
{
    public static string Page(HelpDocument doc)
    {
        var c = doc.Cmdlet;
        var md = new StringBuilder();
        md.Append("# ").AppendLine(c.Name).AppendLine();
        md.AppendLine("## SYNOPSIS").AppendLine(doc.Help.Synopsis).AppendLine();
        md.AppendLine("## SYNTAX").AppendLine();
        foreach (var set in doc.SyntaxSets())
        {
            if (set.Name != ParameterSetBinding.AllSets)
            {
                md.Append("### ").Append(set.Name).AppendLine(set.IsDefault ? " (Default)" : string.Empty).AppendLine();
            }

            md.AppendLine("```").AppendLine(SyntaxLine(c.Name, set.Parameters)).AppendLine("```").AppendLine();
        }

        md.AppendLine("## DESCRIPTION");
        foreach (var para in doc.Help.Description)
        {
            md.AppendLine(para).AppendLine();
        }

        md.AppendLine("## EXAMPLES").AppendLine();
        for (var i = 0; i < doc.Help.Examples.Count; i++)
        {
            var example = doc.Help.Examples[i];
            md.Append("### Example ").Append(i + 1).AppendLine().AppendLine();
            md.AppendLine("```powershell").AppendLine(example.Code).AppendLine("```").AppendLine();
            foreach (var para in example.Remarks)
            {
                md.AppendLine(para).AppendLine();
            }
        }

        md.AppendLine("## PARAMETERS").AppendLine();
        foreach (var parameter in doc.Parameters)
        {
            md.Append("### -").AppendLine(parameter.Name).AppendLine();
            foreach (var para in doc.ParameterText(parameter.Name))
            {
                md.AppendLine(para).AppendLine();
            }

            md.AppendLine("```yaml");
            md.Append("Type: ").AppendLine(parameter.TypeName);
            md.Append("Parameter Sets: ").AppendLine(parameter.Sets.All(s => s.SetName == ParameterSetBinding.AllSets) ? "(All)" : string.Join(", ", parameter.Sets.Select(s => s.SetName)));
            md.Append("Aliases: ").AppendLine(string.Join(", ", parameter.Aliases));
            md.AppendLine();
            md.Append("Required: ").AppendLine(parameter.Sets.All(s => s.Mandatory) ? "True" : parameter.Sets.Any(s => s.Mandatory) ? "True (" + string.Join(", ", parameter.Sets.Where(s => s.Mandatory).Select(s => s.SetName)) + ")" : "False");
            md.Append("Position: ").AppendLine(parameter.Sets.Select(s => s.Position).FirstOrDefault(p => p is not null)?.ToString(CultureInfo.InvariantCulture) ?? "Named");
            md.Append("Default value: ").AppendLine(parameter.IsSwitch ? "False" : "None");
            md.Append("Accept pipeline input: ").AppendLine(HelpDocument.PipelineInput(parameter));
            md.Append("Accept wildcard characters: ").AppendLine(parameter.SupportsWildcards ? "True" : "False");
            md.AppendLine("```").AppendLine();
        }

        md.AppendLine("### CommonParameters").AppendLine();
        md.AppendLine("This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see about_CommonParameters.").AppendLine();

        md.AppendLine("## INPUTS").AppendLine();
        foreach (var type in doc.InputTypes())
        {
            md.Append("### ").AppendLine(type).AppendLine();
            md.AppendLine(doc.TypeDescriptions.TryGetValue(type, out var text) ? text : string.Empty).AppendLine();
        }

        if (!doc.InputTypes().Any())
        {
            md.AppendLine(doc.TakesPropertiesFromPipeline ? "Objects whose properties are named like this cmdlet's parameters bind to them by property name." : "None.").AppendLine();
        }

        md.AppendLine("## OUTPUTS").AppendLine();
        foreach (var type in c.OutputTypes)
        {
            md.Append("### ").AppendLine(type).AppendLine();
            md.AppendLine(doc.TypeDescriptions.TryGetValue(type, out var text) ? text : string.Empty).AppendLine();
        }

        md.AppendLine("## NOTES").AppendLine();
        foreach (var note in doc.Help.Notes)
        {
            md.AppendLine(note).AppendLine();
        }

        md.AppendLine("## RELATED LINKS").AppendLine();
        foreach (var link in doc.Help.RelatedLinks)
        {
            md.AppendLine(link.StartsWith("http", System.StringComparison.Ordinal) ? $"[{link}]({link})" : $"[{link}]({link}.md)").AppendLine();
        }

        return md.ToString().TrimEnd() + "\n";
    }

    public static string Index(IEnumerable<HelpDocument> docs)
    {
        var md = new StringBuilder("# ImageOps cmdlets\n\nGenerated from the XML doc comments on the cmdlet classes; do not edit.\n\n| Cmdlet | Synopsis |\n| --- | --- |\n");
        foreach (var doc in docs)
        {
            md.Append("| [").Append(doc.Cmdlet.Name).Append("](").Append(doc.Cmdlet.Name).Append(".md) | ").Append(doc.Help.Synopsis.Replace("|", "\\|")).AppendLine(" |");
        }

        return md.ToString();
    }

    /// <summary>One syntax line: <c>Verb-Noun [-Name] &lt;String&gt; [[-Path] &lt;String[]&gt;] [-Switch] [&lt;CommonParameters&gt;]</c>.</summary>
    public static string SyntaxLine(string name, IEnumerable<(ParameterModel Parameter, ParameterSetBinding Binding)> parameters)
    {
        var parts = new List<string> { name };
        foreach (var (p, b) in parameters)
        {
            var label = b.Position is null ? "-" + p.Name : "[-" + p.Name + "]";
            var text = p.IsSwitch ? "-" + p.Name : $"{label} <{p.TypeName}>";
            parts.Add(b.Mandatory ? text : "[" + text + "]");
        }

        parts.Add("[<CommonParameters>]");
        return string.Join(" ", parts);
    }
}
