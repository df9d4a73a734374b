namespace ImageOps.Cli.Infrastructure;

/// <summary>
/// Process exit codes. 0 and 1 hold for every verb; verbs that mirror qemu-img (disk check,
/// disk compare) define their own meanings on top, documented with the verb.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation failed; the error id is on stderr (and in the JSON on stdout with --json).</summary>
    public const int Failure = 1;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
