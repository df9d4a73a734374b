namespace ImageOps.Formats.Inf;

/// <summary>A device the INF installs on a platform: its manufacturer, models entry and install section.</summary>
public sealed class InfDevice
{
    internal InfDevice(InfManufacturer manufacturer, InfModel model, InfInstallSection installSection)
    {
        Manufacturer = manufacturer;
        Model = model;
        InstallSection = installSection;
    }

    /// <summary>The manufacturer entry.</summary>
    public InfManufacturer Manufacturer { get; }

    /// <summary>The models entry (description, hardware id, compatible ids).</summary>
    public InfModel Model { get; }

    /// <summary>The install section Windows would use for it.</summary>
    public InfInstallSection InstallSection { get; }

    /// <summary>The model.</summary>
    public override string ToString() => Model.ToString();
}
