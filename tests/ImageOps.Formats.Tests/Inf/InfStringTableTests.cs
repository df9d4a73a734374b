using System.Linq;
using ImageOps.Formats.Inf;
using static ImageOps.Formats.Tests.Inf.InfTestDocuments;

namespace ImageOps.Formats.Tests.Inf;

public class InfStringTableTests
{
    [Fact]
    public void Tokens_are_substituted_case_insensitively()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=%MSFT%\n[Strings]\nmsft=\"Microsoft\"\n");
        Assert.Equal("Microsoft", doc.Version.Provider);
    }

    [Fact]
    public void Double_percent_is_one_percent_and_dirids_stay_for_the_installer()
    {
        var doc = Parse("[Strings]\nA=x\n");
        Assert.Equal("%SystemRoot%\\System32\\IoLogMsg.dll", doc.Strings.Expand("%%SystemRoot%%\\System32\\IoLogMsg.dll"));
        Assert.Equal("%12%\\disk.sys", doc.Strings.Expand("%12%\\disk.sys"));
        Assert.Equal("100%", doc.Strings.Expand("100%%"));
    }

    [Fact]
    public void Unknown_keys_are_left_as_written_and_reported_once_with_position()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=%Nope%\n[Other]\nx=%Nope%\n[Strings]\nA=x\n");
        Assert.Equal("%Nope%", doc.Version.Provider);
        var d = doc.Single(InfDiagnosticCode.UnknownStringKey);
        Assert.Equal((3, 10), (d.Line, d.Column));
    }

    [Fact]
    public void Directory_ids_are_not_reported_as_unknown_keys()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\n[S]\nServiceBinary=%12%\\a.sys\nx=%01%\n[Strings]\nA=x\n");
        Assert.False(doc.Has(InfDiagnosticCode.UnknownStringKey));
    }

    [Fact]
    public void Substitution_is_a_single_pass_so_definitions_that_name_each_other_cannot_loop()
    {
        var doc = Parse("[Strings]\nA=\"%B%\"\nB=\"%A%\"\nSelf=\"x%Self%y\"\n");
        Assert.Equal("%B%", doc.Strings.Expand("%A%"));
        Assert.Equal("%A%", doc.Strings.Expand("%B%"));
        Assert.Equal("x%Self%y", doc.Strings.Expand("%Self%"));
    }

    [Fact]
    public void An_unterminated_token_is_kept_and_reported()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=50%off\n[Strings]\nA=x\n");
        Assert.Equal("50%off", doc.Version.Provider);
        Assert.True(doc.Has(InfDiagnosticCode.UnterminatedStringToken));
    }

    [Fact]
    public void The_exact_language_section_wins()
    {
        var doc = Parse("[Strings]\nA=neutral\n[Strings.0407]\nA=deutsch\n[Strings.0409]\nA=english\n", new InfParseOptions { LanguageId = 0x0407 });
        Assert.Equal("Strings.0407", doc.Strings.SectionName);
        Assert.Equal(0x0407, doc.Strings.LanguageId);
        Assert.Equal("deutsch", doc.Strings.Expand("%A%"));
        Assert.Equal(new[] { 0x0407, 0x0409 }, doc.Strings.AvailableLanguageIds.ToArray());
    }

    [Fact]
    public void A_primary_language_section_is_used_when_there_is_no_exact_match()
    {
        // Spanish (Mexico) 0x080A has primary language 0x0A; ReactOS writes that section as [Strings.0a].
        var doc = Parse("[Strings]\nA=neutral\n[Strings.0a]\nA=espanol\n", new InfParseOptions { LanguageId = 0x080A });
        Assert.Equal("Strings.0a", doc.Strings.SectionName);
        Assert.Equal(0x0A, doc.Strings.LanguageId);
        Assert.Equal("espanol", doc.Strings.Expand("%A%"));
    }

    [Fact]
    public void The_neutral_section_is_used_otherwise_and_keys_are_not_borrowed_from_other_sections()
    {
        var doc = Parse("[Strings]\nA=neutral\n[Strings.0407]\nA=deutsch\nOnlyGerman=x\n");
        Assert.Equal("Strings", doc.Strings.SectionName);
        Assert.Null(doc.Strings.LanguageId);
        Assert.Equal("neutral", doc.Strings.Expand("%A%"));
        Assert.Equal("%OnlyGerman%", doc.Strings.Expand("%OnlyGerman%"));
    }

    [Fact]
    public void Without_neutral_or_matching_section_nothing_is_substituted_and_it_is_reported()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=%A%\n[Strings.0407]\nA=deutsch\n");
        Assert.Null(doc.Strings.SectionName);
        Assert.Equal("%A%", doc.Version.Provider);
        Assert.True(doc.Has(InfDiagnosticCode.NoMatchingStringsSection));
    }

    [Fact]
    public void The_first_definition_of_a_key_wins()
    {
        var doc = Parse("[Strings]\nA=first\nA=second\n");
        Assert.Equal("first", doc.Strings.Expand("%A%"));
        Assert.True(doc.Has(InfDiagnosticCode.DuplicateStringKey));
    }

    [Fact]
    public void An_unquoted_value_with_commas_keeps_only_its_first_field_and_is_reported()
    {
        var doc = Parse("[Strings]\nA=Contoso, Inc.\nB=\"Contoso, Inc.\"\n");
        Assert.Equal("Contoso", doc.Strings.Expand("%A%"));
        Assert.Equal("Contoso, Inc.", doc.Strings.Expand("%B%"));
        Assert.True(doc.Has(InfDiagnosticCode.StringValueHasMultipleFields));
    }

    [Fact]
    public void A_result_longer_than_the_windows_limit_is_reported()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=%A%%A%\n[Strings]\nA=\"" + new string('x', 3000) + "\"\n");
        Assert.Equal(6000, doc.Version.Provider!.Length);
        Assert.Equal(InfDiagnosticSeverity.Error, doc.Single(InfDiagnosticCode.StringTooLong).Severity);
    }

    [Fact]
    public void Public_expand_caps_its_result()
    {
        var doc = Parse("[Strings]\nA=\"" + new string('x', 4000) + "\"\n", new InfParseOptions { Limits = new InfParseLimits { MaxExpandedStringLength = 10_000 } });
        Assert.Equal(10_000, doc.Strings.Expand(string.Concat(Enumerable.Repeat("%A%", 50))).Length);
    }
}
