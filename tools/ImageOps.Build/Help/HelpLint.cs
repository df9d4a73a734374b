using System.Collections.Generic;

namespace ImageOps.Build.Help;

/// <summary>What a help page must have; the build fails on any gap, so help cannot silently rot.</summary>
internal static class HelpLint
{
    public static IReadOnlyList<string> Problems(IEnumerable<HelpDocument> docs)
    {
        var problems = new List<string>();
        foreach (var doc in docs)
        {
            var name = doc.Cmdlet.Name;
            if (string.IsNullOrWhiteSpace(doc.Help.Synopsis))
            {
                problems.Add($"{name} has no synopsis (<summary> on {doc.Cmdlet.TypeFullName}).");
            }

            if (doc.Help.Description.Count == 0)
            {
                problems.Add($"{name} has no description (<remarks>).");
            }

            if (doc.Help.Examples.Count == 0)
            {
                problems.Add($"{name} has no example (<example><code>).");
            }

            foreach (var example in doc.Help.Examples)
            {
                if (string.IsNullOrWhiteSpace(example.Code) || example.Remarks.Count == 0)
                {
                    problems.Add($"{name} has an example without code or explanation.");
                }
            }

            foreach (var parameter in doc.Parameters)
            {
                if (doc.ParameterText(parameter.Name).Count == 0)
                {
                    problems.Add($"{name} -{parameter.Name} has no description (<summary> on the property).");
                }
            }
        }

        return problems;
    }
}
