using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Disk;

/// <summary>
/// <c>imageops disk compare A B</c> — Compare-DiskFile. Exit 0 identical, 1 different, 2 on error,
/// as qemu-img compare.
/// </summary>
internal static class DiskCompareVerb
{
    /// <summary>qemu-img compare's code for "could not compare".</summary>
    private const int CompareError = 2;

    public static Command Create()
    {
        var first = new Argument<string>("first") { Description = "The first disk." };
        var second = new Argument<string>("second") { Description = "The second disk." };
        var firstFormat = new Option<ImageOps.Formats.Disks.DiskFormat?>("--first-format") { Description = "Format of the first disk, when detection should be skipped." };
        var secondFormat = new Option<ImageOps.Formats.Disks.DiskFormat?>("--second-format") { Description = "Format of the second disk, when detection should be skipped." };
        var roots = DiskOptions.ParentSearchPath();
        var command = new Command("compare", "Compare the content of two disks of any formats (exit 0 identical, 1 different, 2 error).") { first, second, firstFormat, secondFormat, roots };
        command.SetAction((parse, cancellation) => System.Threading.Tasks.Task.FromResult(VerbAction.Run(parse, cancellation, session =>
        {
            var result = DiskOptions.Service(session, roots).Compare(
                CliPaths.Full(session.Parse.GetRequiredValue(first)),
                CliPaths.Full(session.Parse.GetRequiredValue(second)),
                session.Parse.GetValue(firstFormat),
                session.Parse.GetValue(secondFormat),
                session.Context());
            session.Result(result, console => DiskViews.Comparison(console, result));
            return result.Identical ? 0 : 1;
        }, failureExitCode: CompareError)));
        return command;
    }
}
