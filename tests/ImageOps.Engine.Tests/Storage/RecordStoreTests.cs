using System;
using System.IO;
using ImageOps.Engine.Storage;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Storage;

public class RecordStoreTests
{
    [RecordSchema("TestThing", 2)]
    public sealed class ThingRecord : ImageOps.Engine.Storage.Record
    {
        public string Name { get; set; } = string.Empty;

        public int Count { get; set; }

        public DateTimeOffset When { get; set; }
    }

    [Fact]
    public void Round_trips_a_record_with_kind_and_schema_version()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("thing.json");
        var when = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        RecordStore.Replace(path, new ThingRecord { Name = "a", Count = 3, When = when });

        var text = File.ReadAllText(path);
        Assert.Contains("\"schemaVersion\": 2", text);
        Assert.Contains("\"kind\": \"TestThing\"", text);
        var back = RecordStore.Read<ThingRecord>(path);
        Assert.Equal("a", back.Name);
        Assert.Equal(3, back.Count);
        Assert.Equal(when, back.When);
    }

    [Fact]
    public void A_newer_schema_is_refused_with_a_clear_error()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("thing.json");
        File.WriteAllText(path, "{\"schemaVersion\": 3, \"kind\": \"TestThing\", \"name\": \"x\", \"newField\": 1}");
        var ex = Assert.Throws<RecordException>(() => RecordStore.Read<ThingRecord>(path));
        Assert.Equal(ErrorIds.RecordSchemaUnsupported, ex.ErrorId);
        Assert.Contains("schema 3", ex.Message);
        Assert.Contains("up to schema 2", ex.Message);
        Assert.Equal(path, ex.Target);
    }

    [Fact]
    public void An_older_schema_and_unknown_fields_are_read()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("thing.json");
        File.WriteAllText(path, "{\"schemaVersion\": 1, \"kind\": \"TestThing\", \"name\": \"old\", \"retired\": true}");
        Assert.Equal("old", RecordStore.Read<ThingRecord>(path).Name);
    }

    [Theory]
    [InlineData("", ErrorIds.RecordCorrupt)]
    [InlineData("{", ErrorIds.RecordCorrupt)]
    [InlineData("[1,2,3]", ErrorIds.RecordCorrupt)]
    [InlineData("{\"kind\": \"TestThing\"}", ErrorIds.RecordCorrupt)]
    [InlineData("{\"kind\": \"TestThing\", \"schemaVersion\": \"2\"}", ErrorIds.RecordCorrupt)]
    [InlineData("{\"kind\": \"TestThing\", \"schemaVersion\": 0}", ErrorIds.RecordCorrupt)]
    [InlineData("{\"kind\": \"TestThing\", \"schemaVersion\": 2, \"count\": \"many\"}", ErrorIds.RecordCorrupt)]
    [InlineData("{\"kind\": \"Other\", \"schemaVersion\": 1}", ErrorIds.RecordKindMismatch)]
    [InlineData("{\"schemaVersion\": 1}", ErrorIds.RecordKindMismatch)]
    public void Malformed_records_get_typed_errors_naming_the_file(string content, string errorId)
    {
        using var dir = new TempFolder();
        var path = dir.Combine("thing.json");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<RecordException>(() => RecordStore.Read<ThingRecord>(path));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Deeply_nested_json_is_refused_without_a_stack_overflow()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("thing.json");
        File.WriteAllText(path, "{\"kind\": \"TestThing\", \"schemaVersion\": 2, \"x\": " + new string('[', 100000) + new string(']', 100000) + "}");
        var ex = Assert.Throws<RecordException>(() => RecordStore.Read<ThingRecord>(path));
        Assert.Equal(ErrorIds.RecordCorrupt, ex.ErrorId);
    }

    [Fact]
    public void An_oversized_file_is_refused_before_it_is_read()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("thing.json");
        using (var f = File.Create(path))
        {
            f.SetLength(RecordStore.MaxRecordBytes + 1);
        }

        var ex = Assert.Throws<RecordException>(() => RecordStore.Read<ThingRecord>(path));
        Assert.Equal(ErrorIds.RecordCorrupt, ex.ErrorId);
    }

    [Fact]
    public void A_missing_file_reads_as_null()
    {
        using var dir = new TempFolder();
        Assert.Null(RecordStore.TryRead<ThingRecord>(dir.Combine("none.json")));
        Assert.Null(RecordStore.TryRead<ThingRecord>(dir.Combine("no-such-folder", "none.json")));
    }
}
