using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Build.Metadata;

namespace ImageOps.Build.Help;

/// <summary>
/// A cmdlet's metadata joined with its documentation: the view both writers (MAML, Markdown) render,
/// so the two always agree.
/// </summary>
internal sealed class HelpDocument
{
    /// <summary>Standard text for the ShouldProcess parameters, which PowerShell adds to the cmdlet.</summary>
    public const string WhatIfText = "Shows what would happen if the cmdlet runs. The cmdlet is not run.";

    /// <summary>Standard text for -Confirm.</summary>
    public const string ConfirmText = "Prompts you for confirmation before running the cmdlet.";

    public HelpDocument(CmdletModel cmdlet, CommandHelp help, IReadOnlyDictionary<string, string> typeDescriptions)
    {
        Cmdlet = cmdlet;
        Help = help;
        TypeDescriptions = typeDescriptions;
        var parameters = cmdlet.Parameters.ToList();
        if (cmdlet.SupportsShouldProcess)
        {
            parameters.Add(Synthetic("WhatIf", "wi", WhatIfText));
            parameters.Add(Synthetic("Confirm", "cf", ConfirmText));
            help.Parameters.TryAdd("WhatIf", new List<string> { WhatIfText });
            help.Parameters.TryAdd("Confirm", new List<string> { ConfirmText });
        }

        Parameters = parameters;
    }

    public CmdletModel Cmdlet { get; }

    public CommandHelp Help { get; }

    /// <summary>Parameters including -WhatIf/-Confirm where the cmdlet supports ShouldProcess.</summary>
    public IReadOnlyList<ParameterModel> Parameters { get; }

    /// <summary>Full type name to its one-line description, for inputs and outputs.</summary>
    public IReadOnlyDictionary<string, string> TypeDescriptions { get; }

    /// <summary>The parameter sets to show as syntax, default first, each with its parameters in syntax order.</summary>
    public IReadOnlyList<(string Name, bool IsDefault, IReadOnlyList<(ParameterModel Parameter, ParameterSetBinding Binding)> Parameters)> SyntaxSets()
    {
        var names = Cmdlet.ParameterSetNames.ToList();
        if (names.Count == 0)
        {
            names.Add(ParameterSetBinding.AllSets);
        }

        var ordered = names.OrderBy(n => n == Cmdlet.DefaultParameterSetName ? 0 : 1).ToList();
        return ordered.Select(name =>
        {
            var members = Parameters
                .Select(p => (Parameter: p, Binding: p.In(name)))
                .Where(x => x.Binding is not null)
                .Select(x => (x.Parameter, Binding: x.Binding!))
                .OrderBy(x => x.Binding.Position ?? int.MaxValue)
                .ThenBy(x => x.Binding.Mandatory ? 0 : 1)
                .ThenBy(x => x.Parameter.Name is "WhatIf" or "Confirm" ? 1 : 0)
                .ToList();
            return (name, name == Cmdlet.DefaultParameterSetName, (IReadOnlyList<(ParameterModel, ParameterSetBinding)>)members);
        }).ToList();
    }

    /// <summary>The paragraphs documenting a parameter (empty if undocumented).</summary>
    public IReadOnlyList<string> ParameterText(string name)
        => Help.Parameters.TryGetValue(name, out var text) ? text : Array.Empty<string>();

    /// <summary>"True (ByPropertyName, ByValue)" / "False", as Get-Help shows pipeline input.</summary>
    public static string PipelineInput(ParameterModel parameter)
    {
        var byValue = parameter.Sets.Any(s => s.ValueFromPipeline);
        var byName = parameter.Sets.Any(s => s.ValueFromPipelineByPropertyName);
        return (byValue, byName) switch
        {
            (true, true) => "True (ByPropertyName, ByValue)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
    }

    /// <summary>The types that can be piped in: ByValue parameters' types, then a note for ByPropertyName.</summary>
    public IReadOnlyList<string> InputTypes()
    {
        var types = Cmdlet.Parameters.Where(p => p.Sets.Any(s => s.ValueFromPipeline))
            .Select(p => p.TypeFullName.TrimEnd(']', '[')).Distinct().ToList();
        return types;
    }

    /// <summary>Whether any parameter binds from the pipeline by property name.</summary>
    public bool TakesPropertiesFromPipeline => Cmdlet.Parameters.Any(p => p.Sets.Any(s => s.ValueFromPipelineByPropertyName));

    private static ParameterModel Synthetic(string name, string alias, string text)
        => new(name, "SwitchParameter", "System.Management.Automation.SwitchParameter", string.Empty, true, false, new[] { alias },
            new[] { new ParameterSetBinding(ParameterSetBinding.AllSets, false, null, false, false, false, text) });
}
