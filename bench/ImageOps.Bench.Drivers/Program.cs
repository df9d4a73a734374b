using System;
using System.Linq;
using ImageOps.Bench.Drivers;

// dotnet run -c Release --project bench/ImageOps.Bench.Drivers -- drivers [--count N] [--corpus DIR] [--work DIR] [--keep]
var command = args.FirstOrDefault() ?? "drivers";
string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

switch (command)
{
    case "drivers":
        return DriverBench.Run(
            count: int.TryParse(Option("--count"), out var n) ? n : 10_000,
            corpus: Option("--corpus"),
            work: Option("--work"),
            keep: args.Contains("--keep"));
    default:
        Console.Error.WriteLine("usage: ImageOps.Bench.Drivers drivers [--count N] [--corpus DIR] [--work DIR] [--keep]");
        return 2;
}
