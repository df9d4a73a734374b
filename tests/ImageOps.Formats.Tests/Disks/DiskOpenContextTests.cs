using System.Collections.Generic;
using ImageOps.Formats.Disks;
using ImageOps.Tests.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Tests.Disks;

public class DiskOpenContextTests
{
    [Fact]
    public void A_parent_is_opened_read_only_and_linked()
    {
        var parents = new InMemoryParents().Add("base.img", new MemoryBlockStorage(new byte[4096]));
        var context = new DiskOpenContext(new DiskOpenOptions { Writable = true, Parents = parents }, parents, 0, new List<string> { "/memory/child" });
        var link = new ParentLink("base.img", expectedIdentity: null);
        using var parent = context.OpenParent(new MemoryBlockStorage(name: "/memory/child"), link, format: null)!;
        Assert.False(parent.CanWrite);
        Assert.Equal("/memory/base.img", link.ResolvedPath);
        Assert.Null(link.IdentityMatches);
        Assert.True(context.Writable);
    }

    [Fact]
    public void A_chain_deeper_than_the_limit_is_refused()
    {
        var parents = new InMemoryParents().Add("base.img", new MemoryBlockStorage(new byte[4096]));
        var deep = new DiskOpenContext(new DiskOpenOptions { Parents = parents }, parents, DiskOpenContext.MaxChainDepth - 1, new List<string> { "/memory/child" });
        var ex = Assert.Throws<ImageOpsException>(() => deep.OpenParent(new MemoryBlockStorage(name: "/memory/child"), new ParentLink("base.img", null), null));
        Assert.Equal("ChainTooDeep", ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
    }

    [Fact]
    public void A_parent_already_in_the_chain_is_a_cycle()
    {
        var parents = new InMemoryParents().Add("self.img", new MemoryBlockStorage(new byte[4096]));
        var context = new DiskOpenContext(new DiskOpenOptions { Parents = parents }, parents, 1, new List<string> { "/memory/top", "/memory/self.img" });
        var ex = Assert.Throws<CorruptImageException>(() => context.OpenParent(new MemoryBlockStorage(name: "/memory/self.img"), new ParentLink("self.img", null), null));
        Assert.Equal("ChainCycle", ex.ErrorId);
    }

    [Fact]
    public void Parents_are_not_opened_when_asked_not_to()
    {
        var parents = new InMemoryParents();
        var context = new DiskOpenContext(new DiskOpenOptions { Parents = parents, SkipParents = true }, parents, 0, new List<string> { "/memory/child" });
        Assert.Null(context.OpenParent(new MemoryBlockStorage(name: "/memory/child"), new ParentLink("missing.img", null), null));
    }
}
