using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Which models sections of a stored package Windows would consider on a platform: per manufacturer the
/// applicable TargetOSVersion with the highest version ("INF Manufacturer Section"), or the undecorated
/// section on x86 only; and, for explanations, why the other sections were not considered.
/// </summary>
internal static class DriverSectionSelector
{
    /// <summary>The models sections considered on <paramref name="platform"/>.</summary>
    public static List<DriverModelsSectionRecord> Selected(DriverPackageRecord record, InfTargetPlatform platform)
    {
        var result = new List<DriverModelsSectionRecord>();
        if (!record.Architectures.Contains(platform.Architecture))
        {
            return result;
        }

        foreach (var manufacturer in record.Manufacturers)
        {
            var name = SelectName(manufacturer, platform, out _);
            var section = name is null ? null : Find(record, name);
            if (section is not null && !result.Contains(section))
            {
                result.Add(section);
            }
        }

        return result;
    }

    /// <summary>The name of the section a manufacturer selects on the platform, or null with why not.</summary>
    public static string? SelectName(DriverManufacturerRecord manufacturer, InfTargetPlatform platform, out string? why)
    {
        why = null;
        InfTargetOsVersion? best = null;
        foreach (var text in manufacturer.Decorations)
        {
            var decoration = InfTargetOsVersion.Parse(text);
            if (decoration.AppliesTo(platform) && (best is null || InfTargetOsVersion.CompareForSelection(decoration, best) > 0))
            {
                best = decoration;
            }
        }

        if (best is not null)
        {
            return manufacturer.ModelsSection + "." + best.Text;
        }

        if (platform.Architecture == InfArchitecture.X86)
        {
            return manufacturer.ModelsSection;
        }

        why = manufacturer.Decorations.Count == 0
            ? "its models section is undecorated, which Windows uses on x86 only"
            : "none of its decorations (" + string.Join(", ", manufacturer.Decorations) + ") applies to " + platform;
        return null;
    }

    /// <summary>Why Windows would not consider a section that is not selected on the platform.</summary>
    public static string WhyNotSelected(DriverPackageRecord record, DriverModelsSectionRecord section, InfTargetPlatform platform)
    {
        if (!record.Architectures.Contains(platform.Architecture))
        {
            return "the package was imported for " + string.Join(", ", record.Architectures.Select(DriverPlatform.ArchitectureName)) + ", not " + DriverPlatform.ArchitectureName(platform.Architecture);
        }

        var manufacturer = record.Manufacturers.ElementAtOrDefault(section.Manufacturer);
        if (manufacturer is null)
        {
            return "no manufacturer names it";
        }

        if (section.Decoration is not null)
        {
            var decoration = InfTargetOsVersion.Parse(section.Decoration);
            if (!decoration.IsValid)
            {
                return "its decoration '" + section.Decoration + "' is not valid (" + decoration.Problem + ")";
            }

            if (!decoration.AppliesTo(platform))
            {
                return "its decoration " + section.Decoration + " does not apply to " + platform + Requirement(decoration);
            }
        }

        var selected = SelectName(manufacturer, platform, out var why);
        if (selected is null)
        {
            return why!;
        }

        if (section.Decoration is null)
        {
            return "Windows uses the decorated section [" + selected + "] instead";
        }

        return "Windows picks the more specific [" + selected + "] on " + platform;
    }

    public static DriverModelsSectionRecord? Find(DriverPackageRecord record, string name)
        => record.ModelsSections.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string Requirement(InfTargetOsVersion decoration)
    {
        var parts = new List<string>();
        if (decoration.MajorVersion is not null)
        {
            parts.Add("Windows " + decoration.MajorVersion + "." + (decoration.MinorVersion ?? 0) + (decoration.BuildNumber is { } b ? " build " + b : string.Empty) + " or later");
        }

        if (decoration.ProductType is { } type)
        {
            parts.Add("product type " + (DriverProductType)type);
        }

        return parts.Count == 0 ? string.Empty : " (it needs " + string.Join(", ", parts) + ")";
    }
}
