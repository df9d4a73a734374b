using System;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// The gate for tests that format with mkntfs and write through libntfs-3g: fixtures ask
/// <see cref="Available"/> before building their volumes (a fixture's constructor cannot skip), and
/// tests call <see cref="Require"/>, which fails under CI and skips elsewhere, as External does.
/// </summary>
internal static class NtfsTooling
{
    private static readonly Lazy<string?> Problem = new(FindProblem);

    public static bool Available => Problem.Value is null;

    public static void Require()
    {
        External.Tool("mkntfs");
        if (Problem.Value is { } reason)
        {
            if (External.UnderCi)
            {
                throw new Xunit.Sdk.XunitException(reason + " (.ci/run installs libntfs-3g89).");
            }

            Skip.If(true, reason);
        }
    }

    private static string? FindProblem()
    {
        if (External.Find("mkntfs") is null)
        {
            return "'mkntfs' is not installed";
        }

        try
        {
            Ntfs3gLibrary.EnsureAvailable();
            return null;
        }
        catch (ImageOpsException ex)
        {
            return ex.Message;
        }
    }
}
