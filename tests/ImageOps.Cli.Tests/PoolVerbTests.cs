using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

public sealed class PoolVerbTests : System.IDisposable
{
    private readonly TempFolder _dir = new("cli");

    private string Library => _dir.Combine("library");

    public void Dispose() => _dir.Dispose();

    private CliResult Run(params string[] args) => Cli.Run(new[] { "--library", Library }.Concat(args).ToArray());

    [Fact]
    public void New_then_list_returns_the_pool_as_json()
    {
        var created = Run("pool", "new", "--name", "Gold", "--path", _dir.Combine("gold"), "--description", "monthly", "--json");
        Assert.Equal(0, created.ExitCode);
        Assert.Equal("Gold", created.Json["name"]!.ToString());
        Assert.Equal("Online", created.Json["status"]!.ToString());
        Assert.Equal("monthly", created.Json["description"]!.ToString());

        var list = Run("pool", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        var pools = Assert.IsType<JArray>(list.Json);
        var pool = Assert.Single(pools);
        Assert.Equal(Path.GetFullPath(_dir.Combine("gold")), pool["path"]!.ToString());
        Assert.Equal(0, (int)pool["imageCount"]!);
        Assert.True((long)pool["freeBytes"]! > 0);
    }

    [Fact]
    public void Failures_exit_non_zero_with_the_error_id_in_json_and_on_stderr()
    {
        var result = Run("pool", "show", "Nope", "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ImagePoolNotFound", result.ErrorId);
        Assert.Equal("ObjectNotFound", result.Json["error"]!["category"]!.ToString());
        Assert.Equal("Nope", result.Json["error"]!["target"]!.ToString());
        Assert.Contains("ImagePoolNotFound", result.Err);

        var human = Run("pool", "show", "Nope");
        Assert.Equal(1, human.ExitCode);
        Assert.Equal(string.Empty, human.Out);
        Assert.StartsWith("imageops: error ImagePoolNotFound:", human.Err);
    }

    [Fact]
    public void Every_pool_verb_mirrors_its_cmdlet()
    {
        Assert.Equal(0, Run("pool", "new", "--name", "Gold", "--path", _dir.Combine("gold")).ExitCode);
        Assert.Equal("ImagePoolNameInUse", Run("pool", "new", "--name", "gold", "--path", _dir.Combine("other"), "--json").ErrorId);
        Assert.Equal("ImagePoolPathOverlap", Run("pool", "new", "--name", "Inner", "--path", _dir.Combine("gold", "inner"), "--json").ErrorId);
        Assert.Equal("ImagePoolNameInvalid", Run("pool", "new", "--name", "bad name", "--path", _dir.Combine("x"), "--json").ErrorId);

        var set = Run("pool", "set", "Gold", "--description", "changed", "--new-name", "Platinum", "--json");
        Assert.Equal(0, set.ExitCode);
        Assert.Equal("Platinum", set.Json[0]!["name"]!.ToString());
        Assert.Equal("changed", set.Json[0]!["description"]!.ToString());

        var unregistered = Run("pool", "unregister", "Platinum", "--json");
        Assert.Equal(0, unregistered.ExitCode);
        Assert.Empty((JArray)Run("pool", "list", "--json").Json);
        Assert.True(File.Exists(_dir.Combine("gold", "pool.json")));

        var registered = Run("pool", "register", _dir.Combine("gold"), "--json");
        Assert.Equal(0, registered.ExitCode);
        Assert.Equal("Platinum", registered.Json["name"]!.ToString());
        Assert.Equal("ImagePoolAlreadyRegistered", Run("pool", "register", _dir.Combine("gold"), "--name", "Again", "--json").ErrorId);

        Directory.CreateDirectory(_dir.Combine("gold", "images", "win11"));
        File.WriteAllText(_dir.Combine("gold", "images", "win11", "image.json"), "{}");
        Assert.Equal("ImagePoolNotEmpty", JToken.Parse(Run("pool", "remove", "Platinum", "--json").Err.Trim())["error"]!["id"]!.ToString());

        var removed = Run("pool", "remove", "Platinum", "--force", "--delete-files", "--json");
        Assert.Equal(0, removed.ExitCode);
        Assert.True((bool)removed.Json[0]!["filesDeleted"]!);
        Assert.False(Directory.Exists(_dir.Combine("gold")));
    }

    [Fact]
    public void What_if_changes_nothing()
    {
        Run("pool", "new", "--name", "Gold", "--path", _dir.Combine("gold"));
        var whatIf = Run("pool", "remove", "G*", "--delete-files", "--what-if");
        Assert.Equal(0, whatIf.ExitCode);
        Assert.Contains("What if: Performing the operation \"Remove image pool from the library and DELETE its images and files\" on target \"pool 'Gold'", whatIf.Out);
        Assert.Equal(0, Run("pool", "show", "Gold").ExitCode);

        var newWhatIf = Run("pool", "new", "--name", "Lab", "--path", _dir.Combine("lab"), "--what-if", "--json");
        Assert.True((bool)newWhatIf.Json["whatIf"]!);
        Assert.False(Directory.Exists(_dir.Combine("lab")));
        Assert.Equal("ImagePoolNotFound", Run("pool", "show", "Lab", "--json").ErrorId);
    }

    [Fact]
    public void List_with_a_missing_name_still_lists_the_others_and_fails()
    {
        Run("pool", "new", "--name", "Gold", "--path", _dir.Combine("gold"));
        var result = Run("pool", "list", "--name", "Gold", "--name", "Nope", "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Single((JArray)result.Json);
        Assert.Equal("ImagePoolNotFound", JToken.Parse(result.Err.Trim())["error"]!["id"]!.ToString());
    }

    [Fact]
    public void Human_output_is_a_table_and_never_wraps_when_redirected()
    {
        Run("pool", "new", "--name", "Gold", "--path", _dir.Combine("a-rather-long-folder-name-that-goes-on", "and-on-and-on-and-on", "and-on-for-a-while-longer", "gold"));
        var list = Run("pool", "list");
        Assert.Equal(0, list.ExitCode);
        var row = list.Out.Split('\n').Single(l => l.Contains("Gold"));
        Assert.Contains("Online", row);
        Assert.Contains("and-on-for-a-while-longer", row);
    }

    [Fact]
    public void Usage_errors_do_not_touch_the_library()
    {
        var result = Run("pool", "new", "--name", "Gold");
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(Library, "pools")) && Directory.GetFiles(Path.Combine(Library, "pools")).Length > 0);
    }
}
