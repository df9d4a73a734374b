using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageOps.Engine.Library;
using ImageOps.Engine.Pools;
using ImageOps.Engine.Storage;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Pools;

public sealed class ImagePoolCatalogTests : IDisposable
{
    private readonly TempFolder _dir = new("pools");
    private readonly ImageLibrary _library;

    public ImagePoolCatalogTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    private ImagePoolCatalog Pools => _library.Pools;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Create_makes_the_folder_a_pool_and_registers_it()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"), "monthly");

        Assert.Equal("Gold", pool.Name);
        Assert.Equal(PoolStatus.Online, pool.Status);
        Assert.Equal("monthly", pool.Description);
        Assert.Equal(0, pool.ImageCount);
        Assert.Equal(0, pool.ToolImageCount);
        Assert.True(pool.CapacityBytes > 0);
        Assert.True(pool.FreeBytes > 0);
        Assert.Equal(_library.RootPath, pool.LibraryPath);

        var record = RecordStore.Read<PoolRecord>(Path.Combine(pool.Path, "pool.json"));
        Assert.Equal(pool.Id, record.Id);
        Assert.Equal("Gold", record.Name);
        Assert.True(Directory.Exists(Path.Combine(pool.Path, "images")));
        Assert.True(File.Exists(Path.Combine(_library.RootPath, "pools", "gold.json")));
    }

    [Fact]
    public void Create_adopts_an_existing_folder_and_keeps_its_files()
    {
        var folder = _dir.Combine("existing");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "keep me");
        var pool = Pools.Create("Existing", folder);
        Assert.Equal(PoolStatus.Online, pool.Status);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(folder, "readme.txt")));
    }

    [Theory]
    [InlineData("gold")]
    [InlineData("GOLD")]
    [InlineData("Gold")]
    public void Names_are_unique_without_regard_to_case(string second)
    {
        Pools.Create("Gold", _dir.Combine("a"));
        var ex = Assert.Throws<ObjectExistsException>(() => Pools.Create(second, _dir.Combine("b")));
        Assert.Equal(ErrorIds.ImagePoolNameInUse, ex.ErrorId);
        Assert.False(File.Exists(_dir.Combine("b", "pool.json")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("trail.")]
    [InlineData("CON")]
    [InlineData("nul.pool")]
    [InlineData("ÄÖÜ")]
    public void Invalid_names_are_refused(string name)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => Pools.Create(name, _dir.Combine("x")));
        Assert.Equal(ErrorIds.ImagePoolNameInvalid, ex.ErrorId);
        Assert.False(Directory.Exists(_dir.Combine("x")));
    }

    [Fact]
    public void A_name_longer_than_64_characters_is_refused()
    {
        Assert.Throws<InvalidRequestException>(() => Pools.Create(new string('a', 65), _dir.Combine("x")));
        Pools.Create(new string('a', 64), _dir.Combine("x"));
    }

    [Theory]
    [InlineData("outer/inner")]
    [InlineData("outer")]
    [InlineData("outer/")]
    [InlineData("")]
    public void Pools_cannot_nest_in_either_direction(string relative)
    {
        Pools.Create("Outer", _dir.Combine("outer"));
        var ex = Assert.Throws<InvalidRequestException>(() => Pools.Create("Other", Path.Combine(_dir.Path, relative)));
        Assert.Equal(ErrorIds.ImagePoolPathOverlap, ex.ErrorId);
    }

    [Fact]
    public void A_sibling_whose_name_starts_like_a_pool_is_not_nested()
    {
        Pools.Create("Outer", _dir.Combine("outer"));
        Assert.Equal(PoolStatus.Online, Pools.Create("Sibling", _dir.Combine("outer-2")).Status);
    }

    [Fact]
    public void A_folder_that_is_already_a_pool_is_refused_with_a_hint_to_register()
    {
        var other = ImageLibrary.Open(_dir.Combine("other-library"));
        other.Pools.Create("Shared", _dir.Combine("shared"));
        var ex = Assert.Throws<ObjectExistsException>(() => Pools.Create("Mine", _dir.Combine("shared")));
        Assert.Equal(ErrorIds.ImagePoolPathAlreadyPool, ex.ErrorId);
        Assert.Contains("Register-ImagePool", ex.Message);
    }

    [Fact]
    public void A_path_that_cannot_be_created_is_reported_as_not_writable()
    {
        var file = _dir.Combine("a-file");
        File.WriteAllText(file, "x");
        var ex = Assert.Throws<StorageUnavailableException>(() => Pools.Create("Bad", Path.Combine(file, "sub")));
        Assert.Equal(ErrorIds.ImagePoolPathNotWritable, ex.ErrorId);
        Assert.Empty(Pools.Find().Pools);
    }

    [Fact]
    public void A_pool_cannot_contain_its_library()
    {
        var ex = Assert.Throws<InvalidRequestException>(() => Pools.Create("Everything", _dir.Path));
        Assert.Equal(ErrorIds.ImagePoolPathOverlap, ex.ErrorId);
    }

    [Fact]
    public void Find_supports_wildcards_and_reports_plain_names_that_match_nothing()
    {
        Pools.Create("Gold", _dir.Combine("gold"));
        Pools.Create("Golden", _dir.Combine("golden"));
        Pools.Create("Lab", _dir.Combine("lab"));

        Assert.Equal(new[] { "Gold", "Golden", "Lab" }, Pools.Find().Pools.Select(p => p.Name));
        Assert.Equal(new[] { "Gold", "Golden" }, Pools.Find(new[] { "gold*" }).Pools.Select(p => p.Name));
        Assert.Equal(new[] { "Gold", "Lab" }, Pools.Find(new[] { "Lab", "GOLD" }).Pools.Select(p => p.Name));
        Assert.Equal(new[] { "Gold", "Golden" }, Pools.Find(new[] { "Gold?*", "Gold" }).Pools.Select(p => p.Name));

        var none = Pools.Find(new[] { "zz*" });
        Assert.Empty(none.Pools);
        Assert.Empty(none.Errors);

        var missing = Pools.Find(new[] { "Lab", "Nope" });
        Assert.Equal(new[] { "Lab" }, missing.Pools.Select(p => p.Name));
        var error = Assert.Single(missing.Errors);
        Assert.Equal(ErrorIds.ImagePoolNotFound, error.ErrorId);
        Assert.Equal("Nope", error.Target);
    }

    [Fact]
    public void Get_of_an_unknown_name_is_a_typed_not_found_error()
    {
        var ex = Assert.Throws<ObjectNotFoundException>(() => Pools.Get("nope"));
        Assert.Equal(ErrorIds.ImagePoolNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Throws<ObjectNotFoundException>(() => Pools.Get("../etc/passwd"));
    }

    [Fact]
    public void Images_and_tool_images_are_counted()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"));
        foreach (var image in new[] { "win11", "win10" })
        {
            Directory.CreateDirectory(Path.Combine(pool.Path, "images", image));
            File.WriteAllText(Path.Combine(pool.Path, "images", image, "image.json"), "{}");
        }

        Directory.CreateDirectory(Path.Combine(pool.Path, "images", "half-published"));
        File.WriteAllText(Path.Combine(pool.Path, "tools", "virtio-win.iso"), "iso");
        File.WriteAllText(Path.Combine(pool.Path, "tools", ".virtio-win.iso.host-1-0123abcd.tmp"), "partial");

        var info = Pools.Get("Gold");
        Assert.Equal(2, info.ImageCount);
        Assert.Equal(1, info.ToolImageCount);
    }

    [Fact]
    public void Status_tells_unreachable_not_a_pool_mismatch_and_unreadable_apart()
    {
        var a = Pools.Create("A", _dir.Combine("a"));
        var b = Pools.Create("B", _dir.Combine("b"));
        var c = Pools.Create("C", _dir.Combine("c"));
        var d = Pools.Create("D", _dir.Combine("d"));

        Directory.Delete(a.Path, recursive: true);
        File.Delete(Path.Combine(b.Path, "pool.json"));
        var impostor = RecordStore.Read<PoolRecord>(Path.Combine(c.Path, "pool.json"));
        impostor.Id = Guid.NewGuid();
        RecordStore.Replace(Path.Combine(c.Path, "pool.json"), impostor);
        File.WriteAllText(Path.Combine(d.Path, "pool.json"), "{\"schemaVersion\": 99, \"kind\": \"ImagePool\"}");

        var byName = Pools.Find().Pools.ToDictionary(p => p.Name);
        Assert.Equal(PoolStatus.Unreachable, byName["A"].Status);
        Assert.Equal(PoolStatus.NotAPool, byName["B"].Status);
        Assert.Equal(PoolStatus.IdentityMismatch, byName["C"].Status);
        Assert.Equal(PoolStatus.RecordUnreadable, byName["D"].Status);
        Assert.Contains("newer ImageOps", byName["D"].StatusDetail);
        Assert.All(byName.Values, p => Assert.NotNull(p.StatusDetail));
        Assert.All(byName.Values, p => Assert.Null(p.ImageCount));
    }

    [Fact]
    public void A_corrupt_registration_is_reported_and_the_others_are_still_listed()
    {
        Pools.Create("Good", _dir.Combine("good"));
        File.WriteAllText(Path.Combine(_library.RootPath, "pools", "broken.json"), "{ not json");
        var result = Pools.Find();
        Assert.Equal(new[] { "Good" }, result.Pools.Select(p => p.Name));
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorIds.RecordCorrupt, error.ErrorId);
    }

    [Fact]
    public void Update_changes_the_description_in_pool_json()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"), "old");
        var changed = Pools.Update("gold", new PoolChanges { Description = "new" });
        Assert.Equal("new", changed.Description);
        Assert.Equal("new", RecordStore.Read<PoolRecord>(Path.Combine(pool.Path, "pool.json")).Description);
    }

    [Fact]
    public void Update_renames_in_the_registration_and_pool_json()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"));
        var renamed = Pools.Update("Gold", new PoolChanges { NewName = "Platinum" });
        Assert.Equal("Platinum", renamed.Name);
        Assert.Equal(pool.Id, renamed.Id);
        Assert.Throws<ObjectNotFoundException>(() => Pools.Get("Gold"));
        Assert.Equal("Platinum", RecordStore.Read<PoolRecord>(Path.Combine(pool.Path, "pool.json")).Name);
        Assert.Equal(new[] { "platinum.json" }, Directory.GetFiles(Path.Combine(_library.RootPath, "pools")).Select(Path.GetFileName));
        Assert.Null(RecordStore.Read<PoolRegistration>(Path.Combine(_library.RootPath, "pools", "platinum.json")).ReplacesName);
    }

    [Fact]
    public void Update_can_change_only_the_letter_case_of_a_name()
    {
        Pools.Create("gold", _dir.Combine("gold"));
        Assert.Equal("Gold", Pools.Update("gold", new PoolChanges { NewName = "Gold" }).Name);
        Assert.Equal("Gold", Pools.Get("GOLD").Name);
    }

    [Fact]
    public void Update_refuses_a_name_that_is_taken()
    {
        Pools.Create("Gold", _dir.Combine("gold"));
        Pools.Create("Lab", _dir.Combine("lab"));
        var ex = Assert.Throws<ObjectExistsException>(() => Pools.Update("Lab", new PoolChanges { NewName = "GOLD" }));
        Assert.Equal(ErrorIds.ImagePoolNameInUse, ex.ErrorId);
        Assert.Equal("Lab", Pools.Get("Lab").Name);
    }

    [Fact]
    public void An_interrupted_rename_is_hidden_from_readers_and_completed_by_the_next_change()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"));
        var folder = Path.Combine(_library.RootPath, "pools");
        var old = RecordStore.Read<PoolRegistration>(Path.Combine(folder, "gold.json"));

        // The state a crash right after writing the new registration leaves.
        RecordStore.TryCreate(Path.Combine(folder, "platinum.json"), new PoolRegistration
        {
            PoolId = old.PoolId,
            Name = "Platinum",
            Path = old.Path,
            RegisteredUtc = old.RegisteredUtc,
            ReplacesName = "Gold",
        });

        Assert.Equal(new[] { "Platinum" }, Pools.Find().Pools.Select(p => p.Name));

        Pools.Create("Lab", _dir.Combine("lab"));
        Assert.False(File.Exists(Path.Combine(folder, "gold.json")));
        Assert.Null(RecordStore.Read<PoolRegistration>(Path.Combine(folder, "platinum.json")).ReplacesName);
        Assert.Equal(pool.Id, Pools.Get("Platinum").Id);
    }

    [Fact]
    public void Remove_keeps_the_files_unless_asked()
    {
        var pool = Pools.Create("Lab", _dir.Combine("lab"));
        var result = Pools.Remove("Lab", force: false, deleteFiles: false);
        Assert.False(result.FilesDeleted);
        Assert.Equal(pool.Id, result.Pool.Id);
        Assert.Throws<ObjectNotFoundException>(() => Pools.Get("Lab"));
        Assert.True(File.Exists(Path.Combine(pool.Path, "pool.json")));
    }

    [Fact]
    public void Remove_refuses_a_pool_with_images_unless_forced()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"));
        Directory.CreateDirectory(Path.Combine(pool.Path, "images", "win11"));
        File.WriteAllText(Path.Combine(pool.Path, "images", "win11", "image.json"), "{}");

        var ex = Assert.Throws<InvalidStateException>(() => Pools.Remove("Gold", force: false, deleteFiles: false));
        Assert.Equal(ErrorIds.ImagePoolNotEmpty, ex.ErrorId);
        Assert.Equal(PoolStatus.Online, Pools.Get("Gold").Status);

        Pools.Remove("Gold", force: true, deleteFiles: false);
        Assert.Empty(Pools.Find().Pools);
        Assert.True(File.Exists(Path.Combine(pool.Path, "images", "win11", "image.json")));
    }

    [Fact]
    public void Remove_with_delete_files_deletes_only_the_pools_own_entries()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"));
        File.WriteAllText(Path.Combine(pool.Path, "tools", "agent.iso"), "iso");
        File.WriteAllText(Path.Combine(pool.Path, "notes.txt"), "not the pool's");

        var result = Pools.Remove("Gold", force: true, deleteFiles: true);
        Assert.True(result.FilesDeleted);
        Assert.Equal(new[] { Path.Combine(pool.Path, "notes.txt") }, result.ForeignEntriesKept);
        Assert.Equal(new[] { "notes.txt" }, Directory.GetFileSystemEntries(pool.Path).Select(Path.GetFileName));

        var clean = Pools.Create("Clean", _dir.Combine("clean"));
        Pools.Remove("Clean", force: false, deleteFiles: true);
        Assert.False(Directory.Exists(clean.Path));
    }

    [Fact]
    public void Remove_never_deletes_files_of_a_pool_it_cannot_prove_is_registered()
    {
        var pool = Pools.Create("Gold", _dir.Combine("gold"));
        var record = RecordStore.Read<PoolRecord>(Path.Combine(pool.Path, "pool.json"));
        record.Id = Guid.NewGuid();
        RecordStore.Replace(Path.Combine(pool.Path, "pool.json"), record);

        var ex = Assert.Throws<StorageUnavailableException>(() => Pools.Remove("Gold", force: true, deleteFiles: true));
        Assert.Equal(ErrorIds.ImagePoolUnreachable, ex.ErrorId);
        Assert.True(File.Exists(Path.Combine(pool.Path, "pool.json")));
        Assert.Equal(PoolStatus.IdentityMismatch, Pools.Get("Gold").Status);
    }

    [Fact]
    public void Register_adopts_a_pool_from_another_library_and_unregister_forgets_it()
    {
        var other = ImageLibrary.Open(_dir.Combine("share-library"));
        var shared = other.Pools.Create("Shared", _dir.Combine("share", "pool"), "on a share");

        var registered = Pools.Register(shared.Path);
        Assert.Equal("Shared", registered.Name);
        Assert.Equal(shared.Id, registered.Id);
        Assert.Equal("on a share", registered.Description);

        var dup = Assert.Throws<ObjectExistsException>(() => Pools.Register(shared.Path, "Again"));
        Assert.Equal(ErrorIds.ImagePoolAlreadyRegistered, dup.ErrorId);

        var forgotten = Pools.Unregister("shared");
        Assert.Equal(shared.Id, forgotten.Id);
        Assert.Empty(Pools.Find().Pools);
        Assert.Equal(PoolStatus.Online, other.Pools.Get("Shared").Status);
        Assert.True(File.Exists(Path.Combine(shared.Path, "pool.json")));
    }

    [Fact]
    public void Register_under_a_local_name_when_the_pools_name_is_taken()
    {
        Pools.Create("Shared", _dir.Combine("local"));
        var other = ImageLibrary.Open(_dir.Combine("share-library"));
        var shared = other.Pools.Create("Shared", _dir.Combine("share"));

        var ex = Assert.Throws<ObjectExistsException>(() => Pools.Register(shared.Path));
        Assert.Equal(ErrorIds.ImagePoolNameInUse, ex.ErrorId);
        Assert.Equal("BranchShared", Pools.Register(shared.Path, "BranchShared").Name);
    }

    [Fact]
    public void Register_refuses_folders_that_are_not_pools()
    {
        Directory.CreateDirectory(_dir.Combine("plain"));
        var notPool = Assert.Throws<InvalidRequestException>(() => Pools.Register(_dir.Combine("plain")));
        Assert.Equal(ErrorIds.ImagePoolPathNotPool, notPool.ErrorId);
        var missing = Assert.Throws<StorageUnavailableException>(() => Pools.Register(_dir.Combine("missing")));
        Assert.Equal(ErrorIds.ImagePoolUnreachable, missing.ErrorId);
    }

    public static TheoryData<string, int> CrashPoints()
    {
        // Record writes during Create: 1 = the lease generation, 2 = pool.json, 3 = the registration.
        var data = new TheoryData<string, int>();
        foreach (var step in new[] { "atomic:create-temp", "atomic:write", "atomic:flush", "atomic:rename", "atomic:after-rename" })
        {
            data.Add(step, 2);
            data.Add(step, 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public void A_crash_while_creating_leaves_a_library_whose_records_parse_and_a_way_forward(string step, int write)
    {
        Pools.Create("Before", _dir.Combine("before"));
        var seen = 0;
        FaultInjection.Hook = s =>
        {
            if (s == step && ++seen == write)
            {
                return FaultAction.Crash;
            }

            return FaultAction.None;
        };
        try
        {
            Assert.Throws<SimulatedCrashException>(() => Pools.Create("During", _dir.Combine("during")));
        }
        finally
        {
            FaultInjection.Hook = null;
        }

        // A fresh process (here: a fresh library object) sees every record whole. The registration
        // is the commit point: before it, the pool is not listed.
        var reopened = ImageLibrary.Open(_dir.Combine("library"));
        var result = reopened.Pools.Find();
        Assert.Empty(result.Errors);
        var committed = write == 3 && step == "atomic:after-rename";
        Assert.Equal(committed ? new[] { "Before", "During" } : new[] { "Before" }, result.Pools.Select(p => p.Name));
        if (committed)
        {
            return;
        }

        // And the user has a way forward: create again, or register the half-made pool it refers to.
        try
        {
            reopened.Pools.Create("During", _dir.Combine("during"));
        }
        catch (ObjectExistsException orphan)
        {
            Assert.Equal(ErrorIds.ImagePoolPathAlreadyPool, orphan.ErrorId);
            reopened.Pools.Register(_dir.Combine("during"));
        }

        Assert.Equal(PoolStatus.Online, reopened.Pools.Get("During").Status);
    }

    [Fact]
    public void Concurrent_creates_of_one_name_have_exactly_one_winner()
    {
        var outcomes = new string[8];
        Parallel.For(0, outcomes.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            try
            {
                ImageLibrary.Open(_dir.Combine("library")).Pools.Create("Race", _dir.Combine("race-" + i));
                outcomes[i] = "won";
            }
            catch (ImageOpsException ex)
            {
                outcomes[i] = ex.ErrorId;
            }
        });

        Assert.Equal(1, outcomes.Count(o => o == "won"));
        Assert.Equal(7, outcomes.Count(o => o == ErrorIds.ImagePoolNameInUse));
        var winner = Array.IndexOf(outcomes, "won");
        Assert.Equal(PathOf("race-" + winner), Pools.Get("Race").Path);
    }

    [Fact]
    public void Concurrent_creates_and_removes_of_different_names_all_succeed()
    {
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var library = ImageLibrary.Open(_dir.Combine("library"));
            library.Pools.Create("P" + i, _dir.Combine("p" + i));
            if (i % 2 == 0)
            {
                library.Pools.Remove("P" + i, force: false, deleteFiles: true);
            }
        });

        Assert.Equal(new[] { "P1", "P3", "P5", "P7" }, Pools.Find().Pools.Select(p => p.Name));
    }

    [Fact]
    public void Opening_a_library_removes_temp_files_of_dead_writers()
    {
        var folder = Path.Combine(_library.RootPath, "pools");
        var stale = Path.Combine(folder, $".x.json.{TempFiles.HostTag}-{Storage.AtomicFileTests.DeadProcessId()}-0123abcd.tmp");
        File.WriteAllText(stale, "{");
        ImageLibrary.Open(_library.RootPath);
        Assert.False(File.Exists(stale));
    }

    private string PathOf(string relative) => Path.GetFullPath(_dir.Combine(relative));
}
