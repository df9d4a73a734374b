using System;
using System.CommandLine;
using System.Linq;
using ImageOps.Cli.Commands.Driver;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.Cli.Commands.Profile;

/// <summary>The rule options of <c>profile new</c> and <c>profile set</c> (one instance per verb).</summary>
internal sealed class ProfileRuleOptions
{
    public Option<string?> Description { get; } = new("--description") { Description = "Free text." };

    public Option<int?> Priority { get; } = new("--priority") { Description = "Precedence when several profiles apply to a model (higher first; default 0)." };

    public Option<string?> Manufacturer { get; } = new("--manufacturer") { Description = "Computer manufacturer pattern (wildcards), for example 'Dell*'." };

    public Option<string?> Model { get; } = new("--model") { Description = "Model pattern (wildcards)." };

    public Option<string?> Sku { get; } = new("--sku") { Description = "System SKU pattern (Win32_ComputerSystem.SystemSKUNumber)." };

    public Option<string?> Baseboard { get; } = new("--baseboard") { Description = "Baseboard product pattern (Win32_BaseBoard.Product)." };

    public Option<string?> Architecture { get; } = DriverOptions.Architecture();

    public Option<string?> MinOs { get; } = new("--min-os-version") { Description = "Lowest Windows version, for example 10.0.22000 (empty to clear with set).", HelpName = "VERSION" };

    public Option<string?> MaxOs { get; } = new("--max-os-version") { Description = "Highest Windows version (empty to clear with set).", HelpName = "VERSION" };

    public Option<string[]> Groups { get; } = DriverOptions.Many("--group", "OEM package group (repeatable).", "GROUP");

    public Option<string[]> CuratedGroups { get; } = DriverOptions.Many("--curated-group", "Curated package group: wins for the devices it matches by hardware id.", "GROUP");

    public Option<string[]> PackageIds { get; } = DriverOptions.Many("--package-id", "OEM package id.", "ID");

    public Option<string[]> CuratedPackageIds { get; } = DriverOptions.Many("--curated-package-id", "Curated package id.", "ID");

    public Option<string[]> ExcludeGroups { get; } = DriverOptions.Many("--exclude-group", "Group to exclude entirely.", "GROUP");

    public Option<string[]> ExcludePackageIds { get; } = DriverOptions.Many("--exclude-package-id", "Package to exclude.", "ID");

    public Option<string[]> ExcludeClasses { get; } = DriverOptions.Many("--exclude-class", "Device setup class to exclude (from --exclude-class-from-group, or from every source).", "CLASS");

    public Option<string[]> ExcludeClassFromGroups { get; } = DriverOptions.Many("--exclude-class-from-group", "Group the class exclusions apply to.", "GROUP");

    public Option<string[]> ExcludeHardwareIds { get; } = DriverOptions.Many("--exclude-hardware-id", "Hardware id pattern: packages with a model for it are excluded.", "ID");

    public Option<bool?> NoDrivers { get; } = new("--no-drivers") { Description = "The explicit 'nothing': matching models get no drivers (set: --no-drivers false to undo)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Description, Priority, Manufacturer, Model, Sku, Baseboard, Architecture, MinOs, MaxOs, Groups, CuratedGroups, PackageIds, CuratedPackageIds, ExcludeGroups, ExcludePackageIds, ExcludeClasses, ExcludeClassFromGroups, ExcludeHardwareIds, NoDrivers })
        {
            command.Options.Add(option);
        }
    }

    public DriverProfileRules Rules(CliSession s) => new()
    {
        Description = s.Parse.GetValue(Description) ?? string.Empty,
        Priority = s.Parse.GetValue(Priority) ?? 0,
        Manufacturer = s.Parse.GetValue(Manufacturer) ?? "*",
        Model = s.Parse.GetValue(Model) ?? "*",
        SystemSku = s.Parse.GetValue(Sku) ?? "*",
        BaseboardProduct = s.Parse.GetValue(Baseboard) ?? "*",
        Architecture = DriverOptions.Arch(s, Architecture) is { } a && a != InfArchitecture.Unspecified ? a : null,
        MinimumOSVersion = Blank(s.Parse.GetValue(MinOs)),
        MaximumOSVersion = Blank(s.Parse.GetValue(MaxOs)),
        Groups = List(s, Groups),
        CuratedGroups = List(s, CuratedGroups),
        PackageIds = List(s, PackageIds),
        CuratedPackageIds = List(s, CuratedPackageIds),
        ExcludeGroups = List(s, ExcludeGroups),
        ExcludePackageIds = List(s, ExcludePackageIds),
        ExcludeClasses = List(s, ExcludeClasses),
        ExcludeClassesFromGroups = List(s, ExcludeClassFromGroups),
        ExcludeHardwareIds = List(s, ExcludeHardwareIds),
        NoDrivers = s.Parse.GetValue(NoDrivers) ?? false,
    };

    public DriverProfileChanges Changes(CliSession s, string? newName)
    {
        string[]? Changed(Option<string[]> option) => DriverOptions.Given(s, option) ? s.Parse.GetValue(option) ?? Array.Empty<string>() : null;
        return new DriverProfileChanges
        {
            NewName = newName,
            Description = s.Parse.GetValue(Description),
            Priority = s.Parse.GetValue(Priority),
            Manufacturer = s.Parse.GetValue(Manufacturer),
            Model = s.Parse.GetValue(Model),
            SystemSku = s.Parse.GetValue(Sku),
            BaseboardProduct = s.Parse.GetValue(Baseboard),
            Architecture = DriverOptions.Arch(s, Architecture),
            MinimumOSVersion = DriverOptions.Given(s, MinOs) ? s.Parse.GetValue(MinOs) ?? string.Empty : null,
            MaximumOSVersion = DriverOptions.Given(s, MaxOs) ? s.Parse.GetValue(MaxOs) ?? string.Empty : null,
            Groups = Changed(Groups),
            CuratedGroups = Changed(CuratedGroups),
            PackageIds = Changed(PackageIds),
            CuratedPackageIds = Changed(CuratedPackageIds),
            ExcludeGroups = Changed(ExcludeGroups),
            ExcludePackageIds = Changed(ExcludePackageIds),
            ExcludeClasses = Changed(ExcludeClasses),
            ExcludeClassesFromGroups = Changed(ExcludeClassFromGroups),
            ExcludeHardwareIds = Changed(ExcludeHardwareIds),
            NoDrivers = s.Parse.GetValue(NoDrivers),
        };
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static System.Collections.Generic.List<string> List(CliSession s, Option<string[]> option) => (s.Parse.GetValue(option) ?? Array.Empty<string>()).ToList();
}
