using System.IO;
using System.Threading.Tasks;
using ImageOps.Cli.Infrastructure;
using Spectre.Console;

namespace ImageOps.Cli.Tests;

public class ConsoleProgressTests
{
    [Fact]
    public void Renders_a_bar_per_phase_and_returns_the_result()
    {
        var output = new StringWriter();
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
        });

        var result = ConsoleProgress.Run(terminal, progress =>
        {
            // Reports come from worker threads in real conversions.
            Parallel.For(0, 64, i => progress.Report(new OperationProgress("Converting", "Copying data", (i + 1) * 1024L, 64 * 1024L)));
            progress.Report(new OperationProgress("Converting", "Verifying", 5, 10, "block 5"));
            progress.Report(new OperationProgress("Converting", "Flushing", 0, -1));
            return 42;
        });

        Assert.Equal(42, result);
        var text = output.ToString();
        Assert.Contains("Copying data", text);
        Assert.Contains("Verifying: block 5", text);
        Assert.Contains("Flushing", text);
    }

    [Fact]
    public void The_bars_are_removed_when_the_work_throws()
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()), Interactive = InteractionSupport.Yes });
        Assert.Throws<IOException>(() => ConsoleProgress.Run<int>(terminal, progress =>
        {
            progress.Report(new OperationProgress("a", "phase", 1, 2));
            throw new IOException("disk full");
        }));
    }
}
