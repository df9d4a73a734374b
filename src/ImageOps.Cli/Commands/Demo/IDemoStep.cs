namespace ImageOps.Cli.Commands.Demo;

/// <summary>
/// One chapter of <c>imageops demo</c>. Each capability adds its own step class; the runner prints
/// the title, runs the step against the demo library, and stops at the first failure.
/// </summary>
internal interface IDemoStep
{
    /// <summary>Short title printed before the step.</summary>
    string Title { get; }

    /// <summary>Runs the step, printing what it did.</summary>
    void Run(DemoContext demo);
}
