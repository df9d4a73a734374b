using System.IO;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Library;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>What demo steps share: the demo folder, its library, and the session to print to.</summary>
internal sealed class DemoContext
{
    public DemoContext(string root, ImageLibrary library, CliSession session)
    {
        Root = root;
        Library = library;
        Session = session;
    }

    /// <summary>The demo folder (holds the library and the demo's pools and files).</summary>
    public string Root { get; }

    /// <summary>The demo library.</summary>
    public ImageLibrary Library { get; }

    /// <summary>The invocation, for output and the engine context.</summary>
    public CliSession Session { get; }

    /// <summary>A path inside the demo folder.</summary>
    public string PathOf(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

    /// <summary>Prints one line of narration.</summary>
    public void Say(string text) => Session.Console.WriteLine("    " + text);
}
