using System.CommandLine;
using ImageOps.Engine.Injection;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Image;

/// <summary>Options the injection verbs share (created per verb: an option has one parent).</summary>
internal static class InjectionOptions
{
    public static Argument<string> Image() => new("image") { Description = "The image (the top of its chain); it is never written." };

    public static Option<string> Output() => new("--output", "-o")
    {
        Description = "The result: a new differencing layer over the image (same format; QCOW2 over a raw image), or with --flat a flat copy.",
        Required = true,
    };

    public static Option<bool> Flat() => new("--flat") { Description = "Write a flat copy of the whole chain with the change in it, instead of a layer." };

    public static Option<DiskFormat?> FlatFormat() => new("--format", "-f") { Description = "Format of a flat copy (raw, vhd, vhdx, qcow2, vmdk; default: the image's)." };

    public static Option<DiskFormat?> ImageFormat() => new("--image-format") { Description = "The image's format, when detection from content should be skipped." };

    public static InjectionOutput Kind(ParseResult parse, Option<bool> flat) => parse.GetValue(flat) ? InjectionOutput.Flat : InjectionOutput.Layer;
}
