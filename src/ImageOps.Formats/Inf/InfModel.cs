using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// One entry of a models section: <c>device-description=install-section-name[,hw-id][,compatible-id...]</c>.
/// Source: "INF Models Section" (learn.microsoft.com).
/// </summary>
public sealed class InfModel
{
    internal InfModel(string modelsSectionName, string description, string installSectionName, string? hardwareId, IReadOnlyList<string> compatibleIds, int line, int column)
    {
        ModelsSectionName = modelsSectionName;
        Description = description;
        InstallSectionName = installSectionName;
        HardwareId = hardwareId;
        CompatibleIds = compatibleIds;
        Line = line;
        Column = column;
    }

    /// <summary>The models section the entry is in.</summary>
    public string ModelsSectionName { get; }

    /// <summary>The device description (after substitution).</summary>
    public string Description { get; }

    /// <summary>The undecorated install (DDInstall) section name.</summary>
    public string InstallSectionName { get; }

    /// <summary>The hardware id, or null if the entry has none.</summary>
    public string? HardwareId { get; }

    /// <summary>The compatible ids, in order.</summary>
    public IReadOnlyList<string> CompatibleIds { get; }

    /// <summary>1-based line of the entry.</summary>
    public int Line { get; }

    /// <summary>1-based column of the entry.</summary>
    public int Column { get; }

    /// <summary>The description and hardware id.</summary>
    public override string ToString() => Description + " (" + (HardwareId ?? "no hardware id") + ")";
}
