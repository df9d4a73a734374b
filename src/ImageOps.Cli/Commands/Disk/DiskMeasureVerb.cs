using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk measure SRC --format F</c> — Measure-DiskFile.</summary>
internal static class DiskMeasureVerb
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "The disk a conversion would read." };
        var format = new Option<DiskFormat>("--format", "-f") { Description = "The format a conversion would write.", Required = true };
        var variant = new Option<DiskVariant>("--variant") { Description = "fixed or dynamic output.", DefaultValueFactory = _ => DiskVariant.Dynamic };
        var compress = new Option<bool>("--compress", "-c") { Description = "Measure compressed output." };
        var blockSize = DiskOptions.BlockSize();
        var subformat = DiskOptions.Subformat();
        var roots = DiskOptions.ParentSearchPath();
        var command = new Command("measure", "Predict the size of a conversion's output (required and fully allocated), like qemu-img measure.") { source, format, variant, compress, blockSize, subformat, roots };
        VerbAction.Set(command, session =>
        {
            var result = DiskOptions.Service(session, roots).Measure(
                CliPaths.Full(session.Parse.GetRequiredValue(source)),
                session.Parse.GetValue(format),
                session.Parse.GetValue(variant),
                session.Parse.GetValue(blockSize),
                session.Parse.GetValue(compress),
                session.Parse.GetValue(subformat),
                context: session.Context());
            session.Result(result, console => DiskViews.Measure(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
