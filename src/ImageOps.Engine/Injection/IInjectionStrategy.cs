using System.Collections.Generic;
using System.Linq;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Injection;

/// <summary>
/// One way of getting drivers into the result layer. The engine owns everything else, whatever the
/// strategy: reading the image and planning, creating the layer over the read-only image under a temp
/// name, and publishing it (fsync, rename) only when the strategy returns. Strategies are chosen at run
/// time (<see cref="InjectionStrategies"/>):
/// <list type="bullet">
/// <item><see cref="OfflineRegistryStrategy"/>: any host, any format — libntfs-3g over ImageOps' block
/// devices, registry stubs, first-boot pnputil.</item>
/// <item><see cref="DismStrategy"/> (Windows, VHD/VHDX; not yet exercised on Windows): the layer attached
/// natively, a <c>DirectoryVolume</c> over its Windows volume, packages imported into the driver store
/// by the DISM API instead of a first-boot installer.</item>
/// </list>
/// </summary>
internal interface IInjectionStrategy
{
    /// <summary>The method it implements.</summary>
    InjectionMethod Method { get; }

    /// <summary>Null if it can write a layer of <paramref name="format"/> on this host; otherwise why not.</summary>
    string? Unavailable(DiskFormat format);

    /// <summary>
    /// Applies <paramref name="plan"/> to <paramref name="layer"/> (created, open, not yet published) and
    /// records what was done in <paramref name="result"/>. Throwing discards the layer.
    /// </summary>
    void Apply(InjectionPlan plan, ResultLayer layer, InjectionResult result, OperationContext context);
}

/// <summary>The strategies this build has, and the run-time choice among them.</summary>
internal static class InjectionStrategies
{
    private static readonly IInjectionStrategy[] All = { new DismStrategy(), new OfflineRegistryStrategy() };

    /// <summary>The strategy for <paramref name="method"/> and a layer of <paramref name="format"/>.</summary>
    public static IInjectionStrategy Choose(InjectionMethod method, DiskFormat format)
    {
        if (method == InjectionMethod.Auto)
        {
            // DISM first where it exists and can attach the format (it imports into the real driver store),
            // else the method that works everywhere.
            return All.FirstOrDefault(s => s.Method == InjectionMethod.Dism && s.Unavailable(format) is null)
                ?? All.First(s => s.Method == InjectionMethod.OfflineRegistry);
        }

        var strategy = All.First(s => s.Method == method);
        var why = strategy.Unavailable(format);
        if (why is not null)
        {
            throw new UnsupportedFeatureException(method.ToString(), $"Injection by {method} is not available: {why}.", method, InjectionErrorIds.InjectionMethodUnavailable);
        }

        return strategy!;
    }

    /// <summary>The methods and why each is or is not available for <paramref name="format"/> (for messages).</summary>
    public static IEnumerable<(InjectionMethod Method, string? Unavailable)> Describe(DiskFormat format)
        => All.Select(s => (s.Method, s.Unavailable(format)));
}
