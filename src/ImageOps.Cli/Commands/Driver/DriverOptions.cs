using System;
using System.CommandLine;
using System.Linq;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.Cli.Commands.Driver;

/// <summary>Options the driver and profile verbs share (created per verb: an option has one parent).</summary>
internal static class DriverOptions
{
    public static Option<string?> Architecture() => new("--architecture", "-a")
    {
        Description = "Processor architecture of the Windows the drivers are for: x86, amd64 (default) or arm64.",
        HelpName = "ARCH",
    };

    /// <summary>The architecture given, parsed in the verb's action so a bad value is an error with an id.</summary>
    public static InfArchitecture? Arch(CliSession session, Option<string?> option)
        => session.Parse.GetValue(option) is { } text ? ParseArchitecture(text) : null;

    public static Option<string?> OsVersion() => new("--os-version")
    {
        Description = "Windows version with build, for example 10.0.22631; default 10.0.26100 (Windows 11 24H2).",
        HelpName = "VERSION",
    };

    public static Option<DriverProductType?> ProductType() => new("--product-type")
    {
        Description = "Edition type: Workstation (default), Server or DomainController.",
    };

    public static Option<string[]> Many(string name, string description, string helpName = "VALUE") => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = helpName,
    };

    public static DriverPlatform Platform(CliSession session, Option<string?> architecture, Option<string?> osVersion, Option<DriverProductType?> productType)
        => DriverPlatform.Of(Arch(session, architecture), Version(session.Parse.GetValue(osVersion)), session.Parse.GetValue(productType));

    public static Version? Version(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return System.Version.TryParse(text, out var version)
            ? version
            : throw new InvalidRequestException(ErrorIds.InvalidArgument, $"'{text}' is not a Windows version such as 10.0.22631.", text);
    }

    public static InfArchitecture ParseArchitecture(string text)
    {
        var names = new[] { ("x86", InfArchitecture.X86), ("amd64", InfArchitecture.Amd64), ("x64", InfArchitecture.Amd64), ("arm64", InfArchitecture.Arm64), ("arm", InfArchitecture.Arm), ("ia64", InfArchitecture.Ia64), ("any", InfArchitecture.Unspecified) };
        foreach (var (name, value) in names)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new InvalidRequestException(ErrorIds.InvalidArgument, $"'{text}' is not an architecture: use {string.Join(", ", names.Select(n => n.Item1))}.", text);
    }

    /// <summary>True if the option was given on the command line (even with no values).</summary>
    public static bool Given(CliSession session, Option option) => session.Parse.GetResult(option) is not null;
}
