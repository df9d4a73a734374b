namespace ImageOps.Engine.Tests.OfflineVolumes;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GeneratedTreeCollection : ICollectionFixture<GeneratedTreeFixture>
{
    public const string Name = "generated NTFS tree";
}
