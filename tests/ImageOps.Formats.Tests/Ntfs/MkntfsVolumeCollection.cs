namespace ImageOps.Formats.Tests.Ntfs;

[CollectionDefinition(Name)]
public sealed class MkntfsVolumeCollection : ICollectionFixture<MkntfsVolumeFixture>
{
    public const string Name = "mkntfs volume";
}
