using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Inventory;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Image;

/// <summary>
/// <c>imageops image create-sample FILE</c> — New-SampleWindowsImage: a small synthetic Windows-like
/// image to try ImageOps on (needs mkntfs and libntfs-3g).
/// </summary>
internal static class ImageCreateSampleVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The image file to create." };
        var format = new Option<DiskFormat>("--format", "-f") { Description = "Format of the image.", DefaultValueFactory = _ => DiskFormat.Vhdx };
        var build = new Option<int>("--build") { Description = "Windows build number: 7601 (Windows 7), 19045 (Windows 10 22H2), 26100 (Windows 11 24H2)...", DefaultValueFactory = _ => 26100 };
        var ubr = new Option<int>("--ubr") { Description = "Update build revision (the monthly update's number).", DefaultValueFactory = _ => 2314 };
        var architecture = new Option<WindowsArchitecture>("--architecture") { Description = "Amd64, X86 or Arm64.", DefaultValueFactory = _ => WindowsArchitecture.Amd64 };
        var bios = new Option<bool>("--bios") { Description = "MBR with a System Reserved partition (BIOS) instead of GPT with an EFI system partition (UEFI)." };
        var edition = new Option<string?>("--edition") { Description = "EditionID, for example Enterprise (default Professional)." };
        var product = new Option<string?>("--product-name") { Description = "ProductName (default from the build, for example 'Windows 10 Pro')." };
        var size = new Option<long>("--size-bytes") { Description = "Virtual size in bytes (the image stays sparse).", DefaultValueFactory = _ => 512L << 20 };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("create-sample", "Create a small synthetic Windows-like image (hives, drivers, driver store) to try ImageOps on. Needs mkntfs and libntfs-3g (Linux).") { path, format, build, ubr, architecture, bios, edition, product, size, whatIf };
        VerbAction.Set(command, session =>
        {
            var target = CliPaths.Full(session.Parse.GetRequiredValue(path));
            var spec = WindowsImageSpec.ForBuild(session.Parse.GetValue(build), session.Parse.GetValue(ubr)).WithArchitecture(session.Parse.GetValue(architecture));
            spec.Format = session.Parse.GetValue(format);
            spec.Uefi = !session.Parse.GetValue(bios);
            spec.SizeBytes = session.Parse.GetValue(size);
            spec.EditionId = session.Parse.GetValue(edition) ?? spec.EditionId;
            spec.ProductName = session.Parse.GetValue(product) ?? spec.ProductName;
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf($"Create a sample {spec.ProductName} {spec.Build}.{spec.Ubr} {spec.Format} image", target);
                return ExitCodes.Success;
            }

            var info = SyntheticWindowsImage.Create(target, spec, session.Context());
            session.Result(info, console => DiskViews.Info(console, info));
            return ExitCodes.Success;
        });
        return command;
    }
}
