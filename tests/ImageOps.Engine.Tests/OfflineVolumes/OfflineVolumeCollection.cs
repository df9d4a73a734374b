namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// The libntfs-3g tests format, fill and read whole volumes: they run on their own, not beside the
/// timing-sensitive lease tests of this assembly, so the shared 2-core machines stay predictable.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OfflineVolumeCollection
{
    public const string Name = "offline volumes (serial)";
}
