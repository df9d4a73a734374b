using System.Linq;
using ImageOps.Formats.Inf;
using static ImageOps.Formats.Tests.Inf.InfTestText;

namespace ImageOps.Formats.Tests.Inf;

public class InfTokenizerTests
{
    private static InfEntry OnlyEntry(string body)
    {
        var (file, _) = Tokenize("[S]\n" + body);
        return Assert.Single(file.FindSection("S")!.Entries);
    }

    [Fact]
    public void Keys_values_and_positions_are_kept()
    {
        var (file, bag) = Tokenize("[Version]\r\nSignature = \"$Windows NT$\"\r\n  Class=Net ; comment\r\n");
        Assert.Equal(0, bag.Count);
        var section = file.FindSection("version")!;
        Assert.Equal("Version", section.Name);
        Assert.Equal(1, section.Line);
        var signature = section.Entries[0];
        Assert.Equal("Signature", signature.Key!.Value);
        Assert.Equal("$Windows NT$", signature.Values[0].Value);
        Assert.True(signature.Values[0].IsQuoted);
        Assert.Equal((2, 13), (signature.Values[0].Line, signature.Values[0].Column));
        var cls = section.Entries[1];
        Assert.Equal((3, 3), (cls.Line, cls.Column));
        Assert.Equal(new[] { "Net" }, Values(cls));
    }

    [Fact]
    public void Section_names_are_case_insensitive_and_repeated_sections_merge_in_order()
    {
        var (file, bag) = Tokenize("[Files]\na.sys\n[Other]\nx=1\n[FILES]\nb.sys\n");
        var files = file.FindSection("files")!;
        Assert.Equal(2, files.HeaderCount);
        Assert.Equal(new[] { "a.sys", "b.sys" }, files.Entries.Select(e => e.Values[0].Value));
        Assert.Equal(2, file.Sections.Count);
        Assert.True(bag.Has(InfDiagnosticCode.DuplicateSection));
    }

    [Fact]
    public void An_entry_without_equals_has_no_key_and_keeps_empty_fields()
    {
        var entry = OnlyEntry("disk.sys,,,0x100\n");
        Assert.Null(entry.Key);
        Assert.Equal(new[] { "disk.sys", "", "", "0x100" }, Values(entry));
    }

    [Fact]
    public void Equals_after_the_first_comma_is_text()
    {
        var entry = OnlyEntry("HKR,,Value,,a=b\n");
        Assert.Null(entry.Key);
        Assert.Equal("a=b", entry.Values[4].Value);
    }

    [Fact]
    public void Key_with_empty_value_has_one_empty_value()
    {
        var entry = OnlyEntry("DriverVer =   ; TODO\n");
        Assert.Equal("DriverVer", entry.Key!.Value);
        Assert.Equal(new[] { "" }, Values(entry));
    }

    [Fact]
    public void Spaces_inside_fields_are_kept_and_around_them_dropped()
    {
        var entry = OnlyEntry("  Load Order Group  =   SCSI  miniport  ,  x y \n");
        Assert.Equal("Load Order Group", entry.Key!.Value);
        Assert.Equal(new[] { "SCSI  miniport", "x y" }, Values(entry));
    }

    [Fact]
    public void Quotes_protect_semicolons_commas_equals_and_spaces_and_doubled_quotes_are_one()
    {
        var entry = OnlyEntry("Desc = \"  A; B, C = D  \", \"Say \"\"hi\"\"\" ; real comment\n");
        Assert.Equal(new[] { "  A; B, C = D  ", "Say \"hi\"" }, Values(entry));
    }

    [Fact]
    public void Quoted_and_unquoted_parts_join_into_one_field()
    {
        var entry = OnlyEntry("k = abc \"def\" ghi\n");
        Assert.Equal("abc def ghi", entry.Values[0].Value);
    }

    [Fact]
    public void A_quoted_key_can_contain_equals()
    {
        var entry = OnlyEntry("\"a=b\" = c\n");
        Assert.Equal("a=b", entry.Key!.Value);
        Assert.Equal("c", entry.Values[0].Value);
    }

    [Fact]
    public void An_unterminated_quote_runs_to_the_end_of_the_line_and_is_reported()
    {
        var (file, bag) = Tokenize("[S]\nA = \"open ; not a comment\nB = next\n");
        var s = file.FindSection("S")!;
        Assert.Equal("open ; not a comment", s.Entries[0].Values[0].Value);
        Assert.Equal("next", s.Entries[1].Values[0].Value);
        var d = bag.Single(InfDiagnosticCode.UnterminatedQuote);
        Assert.Equal((2, 5), (d.Line, d.Column));
    }

    [Fact]
    public void Backslash_at_end_of_line_continues_the_entry()
    {
        var (file, _) = Tokenize("[S]\nHKR,Parameters,Flags,1, 05,01, \\\n        10,01, \\\n        11,01\nNext=1\n");
        var s = file.FindSection("S")!;
        Assert.Equal(2, s.Entries.Count);
        Assert.Equal(new[] { "HKR", "Parameters", "Flags", "1", "05", "01", "10", "01", "11", "01" }, Values(s.Entries[0]));
        Assert.Equal((5, 1), (s.Entries[1].Line, s.Entries[1].Column));
    }

    [Fact]
    public void Continuation_joins_without_a_space()
    {
        Assert.Equal("foobar", OnlyEntry("k = foo \\\n   bar\n").Values[0].Value);
    }

    [Fact]
    public void A_comment_after_the_backslash_still_continues()
    {
        // The documented example: CopyFiles = "SomeDirectory\"\ ; comment  +  ,SomeFile
        var entry = OnlyEntry("CopyFiles = \"SomeDirectory\\\"\\ ; comment \n,SomeFile\n");
        Assert.Equal(new[] { "SomeDirectory\\", "SomeFile" }, Values(entry));
    }

    [Fact]
    public void Two_backslashes_at_the_end_are_one_continuation_and_both_dropped()
    {
        // General Syntax Rules: "Windows ignores the first backslash and interprets the second as a line continuator".
        Assert.Equal(new[] { "SomeDirectory", "SomeFile" }, Values(OnlyEntry("CopyFiles = SomeDirectory\\\\\n,SomeFile\n")));
    }

    [Fact]
    public void A_backslash_inside_a_field_or_a_comment_is_text()
    {
        Assert.Equal("%12%\\disk.sys", OnlyEntry("ServiceBinary = %12%\\disk.sys ; %windir%\\system32\\drivers\\\n").Values[0].Value);
        Assert.Equal("a \\ b", OnlyEntry("k = a \\ b\n").Values[0].Value);
    }

    [Fact]
    public void A_backslash_inside_quotes_does_not_continue()
    {
        var (file, _) = Tokenize("[S]\nk = \"C:\\dir\\\"\nj = 2\n");
        var s = file.FindSection("S")!;
        Assert.Equal(2, s.Entries.Count);
        Assert.Equal("C:\\dir\\", s.Entries[0].Values[0].Value);
    }

    [Fact]
    public void Continuation_at_end_of_file_is_reported_and_ignored()
    {
        var (file, bag) = Tokenize("[DeviceInstall]\nDriverPath=\\");
        var entry = Assert.Single(file.FindSection("DeviceInstall")!.Entries);
        Assert.Equal("", entry.Values[0].Value);
        Assert.True(bag.Has(InfDiagnosticCode.ContinuationAtEndOfFile));
    }

    [Fact]
    public void Lines_before_the_first_section_are_reported_and_ignored()
    {
        // Windows-driver-samples sensor INFs start with "/*++" before [Version].
        var (file, bag) = Tokenize("/*++\n;\n[Version]\nSignature=\"$Windows NT$\"\n");
        Assert.Single(file.Sections);
        Assert.Equal(1, bag.Single(InfDiagnosticCode.EntryOutsideSection).Line);
    }

    [Fact]
    public void Text_after_a_section_header_is_ignored_with_a_warning_but_a_comment_is_fine()
    {
        var (_, bag) = Tokenize("[A] ; fine\n[B] junk\n");
        var d = bag.Single(InfDiagnosticCode.SectionHeaderTrailingText);
        Assert.Equal(2, d.Line);
    }

    [Fact]
    public void Spaces_inside_brackets_are_part_of_the_name_and_reported()
    {
        var (file, bag) = Tokenize("[ Version ]\nx=1\n");
        Assert.NotNull(file.FindSection(" Version "));
        Assert.Null(file.FindSection("Version"));
        Assert.True(bag.Has(InfDiagnosticCode.SectionNameWhitespace));
    }

    [Fact]
    public void Crlf_lf_and_tabs_are_all_handled()
    {
        var (file, _) = Tokenize("[S]\r\n\tk\t=\tv1 ,\tv2\t\r\n");
        var e = Assert.Single(file.FindSection("S")!.Entries);
        Assert.Equal("k", e.Key!.Value);
        Assert.Equal(new[] { "v1", "v2" }, Values(e));
    }

    [Fact]
    public void Utf16_text_tokenizes_like_ascii()
    {
        var (file, _) = Tokenize(Utf16("[Version]\r\nClass=Net\r\n"));
        Assert.Equal("Net", file.FindSection("Version")!.FirstWithKey("class")!.Values[0].Value);
        Assert.Equal(InfTextEncoding.Utf16LittleEndian, file.Encoding);
    }

    [Fact]
    public void An_overlong_field_is_kept_and_reported_as_beyond_the_windows_limit()
    {
        var (file, bag) = Tokenize("[S]\nk=" + new string('x', 5000) + "\n");
        Assert.Equal(5000, file.FindSection("S")!.Entries[0].Values[0].Value.Length);
        Assert.Equal(InfDiagnosticSeverity.Error, bag.Single(InfDiagnosticCode.FieldTooLong).Severity);
    }
}
