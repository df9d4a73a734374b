using System.Collections.Generic;

namespace ImageOps.Build.Metadata;

/// <summary>A cmdlet as its assembly declares it, read without loading PowerShell.</summary>
internal sealed record CmdletModel(
    string TypeFullName,
    string Verb,
    string Noun,
    string? DefaultParameterSetName,
    bool SupportsShouldProcess,
    string ConfirmImpact,
    IReadOnlyList<string> OutputTypes,
    IReadOnlyList<ParameterModel> Parameters)
{
    /// <summary>Verb-Noun.</summary>
    public string Name => Verb + "-" + Noun;

    /// <summary>The parameter set names declared by the cmdlet's parameters, in declaration order.</summary>
    public IReadOnlyList<string> ParameterSetNames
    {
        get
        {
            var names = new List<string>();
            foreach (var parameter in Parameters)
            {
                foreach (var set in parameter.Sets)
                {
                    if (set.SetName != ParameterSetBinding.AllSets && !names.Contains(set.SetName))
                    {
                        names.Add(set.SetName);
                    }
                }
            }

            return names;
        }
    }
}

/// <summary>A cmdlet parameter: its property, type and [Parameter] attributes (one per set).</summary>
internal sealed record ParameterModel(
    string Name,
    string TypeName,
    string TypeFullName,
    string DeclaringTypeFullName,
    bool IsSwitch,
    bool SupportsWildcards,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<ParameterSetBinding> Sets)
{
    /// <summary>True if the parameter takes part in <paramref name="setName"/> (explicitly or as an all-sets parameter).</summary>
    public ParameterSetBinding? In(string setName)
    {
        foreach (var set in Sets)
        {
            if (set.SetName == setName)
            {
                return set;
            }
        }

        foreach (var set in Sets)
        {
            if (set.SetName == ParameterSetBinding.AllSets)
            {
                return set;
            }
        }

        return null;
    }
}

/// <summary>One [Parameter] attribute: how the parameter binds in one set.</summary>
internal sealed record ParameterSetBinding(
    string SetName,
    bool Mandatory,
    int? Position,
    bool ValueFromPipeline,
    bool ValueFromPipelineByPropertyName,
    bool ValueFromRemainingArguments,
    string? HelpMessage)
{
    /// <summary>PowerShell's name for "every set".</summary>
    public const string AllSets = "__AllParameterSets";
}
