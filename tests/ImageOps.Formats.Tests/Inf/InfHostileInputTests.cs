using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ImageOps.Formats.Inf;
using static ImageOps.Formats.Tests.Inf.InfTestDocuments;

namespace ImageOps.Formats.Tests.Inf;

/// <summary>
/// HOSTILE.md, "INF and driver packages": each case ends in a document with a diagnostic or in
/// <see cref="InfMalformedException"/> naming line, column and offset; never another exception, a hang
/// or an allocation the input does not justify.
/// </summary>
public class InfHostileInputTests
{
    private static readonly InfParseLimits Small = new()
    {
        MaxFileSizeBytes = 4096,
        MaxLineLength = 256,
        MaxSections = 8,
        MaxEntries = 16,
        MaxFields = 32,
        SubstitutionBudget = 10_000,
        MaxDiagnostics = 5,
    };

    private static InfMalformedException Throws(string text, InfParseLimits? limits = null)
        => Assert.Throws<InfMalformedException>(() => Parse(text, new InfParseOptions { Limits = limits ?? InfParseLimits.Default }));

    [Fact]
    public void An_unterminated_quote_is_a_diagnostic()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\nProvider=x\n");
        Assert.Equal("$Windows NT$", doc.Version.Signature);
        Assert.True(doc.Has(InfDiagnosticCode.UnterminatedQuote));
        Assert.Equal("x", doc.Version.Provider);
    }

    [Fact]
    public void Continuation_at_end_of_file_is_a_diagnostic()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=abc\\   ");
        Assert.Equal("abc", doc.Version.Provider);
        Assert.True(doc.Has(InfDiagnosticCode.ContinuationAtEndOfFile));
    }

    [Fact]
    public void An_unterminated_section_header_throws_with_line_column_and_offset()
    {
        var ex = Throws("[Version]\nSignature=\"$Windows NT$\"\n  [Manufacturer\nx=1\n");
        Assert.Equal(InfDiagnosticCode.UnterminatedSectionHeader, ex.Code);
        Assert.Equal(InfMalformedException.MalformedErrorId, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal((3, 3), (ex.Line, ex.Column));
        Assert.Equal(10 + 25 + 2, ex.Offset);
        Assert.Equal("test.inf", ex.Path);
        Assert.Equal("INF", ex.Format);
        Assert.Contains("line 3, column 3", ex.Message);
        Assert.Contains("test.inf", ex.Message);
        Assert.IsAssignableFrom<CorruptImageException>(ex);
    }

    [Fact]
    public void A_section_name_longer_than_windows_allows_throws()
    {
        var ex = Throws("[" + new string('s', 256) + "]\n");
        Assert.Equal(InfDiagnosticCode.SectionNameTooLong, ex.Code);
        Assert.Equal((1, 1), (ex.Line, ex.Column));
        Assert.NotNull(Parse("[" + new string('s', 255) + "]\n").Syntax.FindSection(new string('S', 255)));
    }

    [Fact]
    public void A_physical_line_beyond_the_limit_throws_and_one_at_the_limit_does_not()
    {
        var atLimit = "[S]\n" + "k=" + new string('x', Small.MaxLineLength - 2) + "\n";
        Assert.Single(Parse(atLimit, new InfParseOptions { Limits = Small }).Syntax.FindSection("S")!.Entries);
        var ex = Throws("[S]\nk=1\n" + new string('x', Small.MaxLineLength + 1) + "\n", Small);
        Assert.Equal(InfDiagnosticCode.LineTooLong, ex.Code);
        Assert.Equal(InfMalformedException.TooLargeErrorId, ex.ErrorId);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void A_continuation_chain_beyond_the_limit_throws()
    {
        var chain = string.Concat(Enumerable.Repeat("aaaaaaaaaa,\\\n", 40));
        var ex = Throws("[S]\n" + chain + "end\n", Small);
        Assert.Equal(InfDiagnosticCode.LineTooLong, ex.Code);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void A_file_beyond_the_size_limit_is_refused_before_it_is_read_whole()
    {
        var big = new byte[Small.MaxFileSizeBytes + 1];
        var options = new InfParseOptions { Limits = Small };
        Assert.Equal(InfDiagnosticCode.FileTooLarge, Assert.Throws<InfMalformedException>(() => InfParser.Parse(big, "big.inf", options)).Code);
        Assert.Equal(InfDiagnosticCode.FileTooLarge, Assert.Throws<InfMalformedException>(() => InfParser.Parse(new MemoryStream(big), "big.inf", options)).Code);

        // A stream that cannot tell its length is read only up to the limit plus one byte.
        var endless = new EndlessStream();
        Assert.Equal(InfDiagnosticCode.FileTooLarge, Assert.Throws<InfMalformedException>(() => InfParser.Parse(endless, "endless.inf", options)).Code);
        Assert.True(endless.BytesRead <= Small.MaxFileSizeBytes + 81920);
    }

    [Fact]
    public void Counts_of_sections_entries_and_fields_are_bounded()
    {
        Assert.Equal(InfDiagnosticCode.TooManySections, Throws(string.Concat(Enumerable.Range(0, 9).Select(i => "[S" + i + "]\n")), Small).Code);
        Assert.Equal(InfDiagnosticCode.TooManyEntries, Throws("[S]\n" + string.Concat(Enumerable.Repeat("a\n", 17)), Small).Code);
        Assert.Equal(InfDiagnosticCode.TooManyFields, Throws("[S]\n" + string.Concat(Enumerable.Repeat("a,b,c,d,e\n", 7)), Small).Code);

        // Repeated headers of one section count too: merging must not hide a million headers.
        Assert.Equal(InfDiagnosticCode.TooManySections, Throws(string.Concat(Enumerable.Repeat("[S]\n", 9)), Small).Code);
    }

    [Fact]
    public void Nul_characters_are_read_as_spaces()
    {
        var bytes = Encoding.ASCII.GetBytes("[Version]\nSignature=\"$Windows NT$\"\nClass=N\0et\n");
        var doc = InfParser.Parse(bytes, "nul.inf");
        Assert.Equal("N et", doc.Version.Class);
        Assert.True(doc.Has(InfDiagnosticCode.NulCharacter));
    }

    [Fact]
    public void Utf16_without_bom_is_read()
    {
        var doc = InfParser.Parse(Encoding.Unicode.GetBytes("[Version]\r\nSignature=\"$Windows NT$\"\r\nClass=Net\r\n"), "u16.inf");
        Assert.Equal("Net", doc.Version.Class);
        Assert.Equal(InfTextEncoding.Utf16LittleEndian, doc.Encoding);
        Assert.True(doc.Has(InfDiagnosticCode.Utf16WithoutByteOrderMark));
    }

    [Fact]
    public void String_definitions_that_reference_each_other_do_not_loop()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nProvider=%A%\nClass=%B%\n[Strings]\nA=\"%B%\"\nB=\"%A%%A%\"\n");
        Assert.Equal("%B%", doc.Version.Provider);
        Assert.Equal("%A%%A%", doc.Version.Class);
    }

    [Fact]
    public void Substitution_that_multiplies_the_file_is_stopped_by_the_budget()
    {
        // 64 KiB of text whose tokens stand for 4000 characters each would expand to ~80 M characters.
        var sb = new StringBuilder("[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\n");
        for (var i = 0; i < 1200; i++)
        {
            sb.Append(string.Concat(Enumerable.Repeat("%A%", 16))).Append(" = M\n");
        }

        sb.Append("[Strings]\nA=\"").Append('x', 4000).Append("\"\n");
        var ex = Throws(sb.ToString());
        Assert.Equal(InfDiagnosticCode.SubstitutionBudgetExceeded, ex.Code);
        Assert.Equal(InfMalformedException.TooLargeErrorId, ex.ErrorId);
        Assert.True(ex.Line > 3);
    }

    [Fact]
    public void The_number_of_kept_diagnostics_is_bounded()
    {
        var doc = Parse("[S]\n" + string.Concat(Enumerable.Repeat("k=\"open\n", 15)), new InfParseOptions { Limits = Small with { MaxEntries = 100, MaxFields = 100 } });
        Assert.Equal(Small.MaxDiagnostics + 1, doc.Diagnostics.Count);
        Assert.Equal(InfDiagnosticCode.TooManyDiagnostics, doc.Diagnostics[^1].Code);
    }

    [Theory]
    [InlineData(@"..\evil", "SourceDisksNames path")]
    [InlineData(@"C:\Windows", "SourceDisksNames path")]
    [InlineData(@"\\server\share", "SourceDisksNames path")]
    [InlineData(@"x86\CON", "SourceDisksNames path")]
    [InlineData(@"x86\a:stream", "SourceDisksNames path")]
    public void Unsafe_source_disk_paths_are_refused(string path, string what)
    {
        var doc = ParseWithVersion("[SourceDisksNames]\n1 = d,,," + path + "\n[SourceDisksFiles]\na.sys = 1\n");
        var d = doc.Diagnostics.First(x => x.Code == InfDiagnosticCode.UnsafeFileReference);
        Assert.Equal(InfDiagnosticSeverity.Error, d.Severity);
        Assert.Empty(doc.SourceDisks);
        Assert.NotNull(what);
    }

    [Theory]
    [InlineData("..\\a.sys")]
    [InlineData("a.sys:hidden")]
    [InlineData("NUL.sys")]
    [InlineData("com1")]
    [InlineData("lpt9.txt")]
    [InlineData("a.sys.")]
    [InlineData("a*.sys")]
    [InlineData("sub\\a.sys")]
    public void Unsafe_file_names_are_refused_wherever_the_inf_names_a_file(string name)
    {
        var doc = ParseWithVersion(
            "[SourceDisksNames]\n1 = d\n[SourceDisksFiles]\n" + name + " = 1\n" +
            "[DestinationDirs]\nDefaultDestDir = 12\n" +
            "[Manufacturer]\n%M% = M, NTamd64\n[M.NTamd64]\n%M% = I, HW\n" +
            "[I]\nCopyFiles = F, @" + name + "\nCopyINF = " + name + "\n[F]\n" + name + "\nok.sys, " + name + "\n[Strings]\nM=m\n");
        Assert.Empty(doc.SourceFiles);
        Assert.True(doc.Diagnostics.Count(x => x.Code == InfDiagnosticCode.UnsafeFileReference) >= 5, string.Join("\n", doc.Diagnostics));
        var r = doc.Resolve(Amd64);
        Assert.Empty(r.FileCopies);
        Assert.Empty(r.CopiedInfs);
    }

    [Theory]
    [InlineData("..\\..\\Windows\\System32")]
    [InlineData("D:\\x")]
    public void Unsafe_destination_subdirectories_are_refused(string subdir)
    {
        var doc = ParseWithVersion("[DestinationDirs]\nDefaultDestDir = 12, " + subdir + "\n");
        Assert.Null(doc.DefaultDestinationDirectory);
        Assert.True(doc.Has(InfDiagnosticCode.UnsafeFileReference));
    }

    [Fact]
    public void A_catalog_file_with_a_path_is_refused()
    {
        var doc = Parse("[Version]\nSignature=\"$Windows NT$\"\nCatalogFile=..\\other\\x.cat\n");
        Assert.Null(doc.Version.CatalogFile);
        Assert.True(doc.Has(InfDiagnosticCode.UnsafeFileReference));
    }

    [Fact]
    public void A_leading_backslash_is_relative_to_the_inf_folder_as_documented()
    {
        var doc = ParseWithVersion("[SourceDisksNames]\n1 = d,,,\\x86\\.\\drivers\n[SourceDisksFiles]\na.sys = 1, sub\n");
        Assert.Equal("x86/drivers", Assert.Single(doc.SourceDisks).Path);
        Assert.Equal("sub", Assert.Single(doc.SourceFiles).Subdirectory);
    }

    [Fact]
    public void Cancellation_is_observed()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => InfParser.Parse(Encoding.ASCII.GetBytes("[A]\nx=1\n"), "c.inf", cancellation: cts.Token));
    }

    [Fact]
    public void Random_bytes_and_random_inf_like_text_end_in_a_document_or_the_typed_error()
    {
        var random = new Random(20240611);
        const string Alphabet = "[]\";%\\,=\r\n\t \u001A\0$.abcNT0123xX@";
        for (var i = 0; i < 3000; i++)
        {
            byte[] bytes;
            if (i % 3 == 0)
            {
                bytes = new byte[random.Next(0, 600)];
                random.NextBytes(bytes);
            }
            else
            {
                var chars = new char[random.Next(0, 600)];
                for (var k = 0; k < chars.Length; k++)
                {
                    chars[k] = Alphabet[random.Next(Alphabet.Length)];
                }

                var text = "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\n%M%=M,NTamd64\n" + new string(chars);
                bytes = i % 2 == 0 ? Encoding.UTF8.GetBytes(text) : Encoding.Unicode.GetBytes(text);
            }

            try
            {
                var doc = InfParser.Parse(bytes, "fuzz.inf", new InfParseOptions { Limits = Small with { MaxFileSizeBytes = 1 << 20 } });
                doc.Resolve(Amd64);
                doc.Resolve(X86);
            }
            catch (InfMalformedException ex)
            {
                Assert.True(ex.Line >= 0 && ex.Column >= 0);
            }
        }
    }

    [Fact]
    public void Large_inputs_cost_time_in_proportion_to_their_size()
    {
        // 60,000 files, disks, copies and models, with many manufacturers and install sections sharing one
        // models section and one file list: any N x M walk would take minutes, linear work takes seconds.
        const int N = 60_000;
        var sb = new StringBuilder("[Version]\nSignature=\"$Windows NT$\"\nClass=System\nClassGuid={4D36E97D-E325-11CE-BFC1-08002BE10318}\nProvider=p\nDriverVer=01/01/2024,1.0.0.0\n");
        sb.Append("[DestinationDirs]\nDefaultDestDir=12\n[SourceDisksNames]\n");
        for (var i = 0; i < N; i++)
        {
            sb.Append(i).Append("=d,,,d").Append(i).Append('\n');
        }

        sb.Append("[SourceDisksFiles]\n");
        for (var i = 0; i < N; i++)
        {
            sb.Append('f').Append(i).Append(".sys=").Append(i).Append('\n');
        }

        sb.Append("[Big]\n");
        for (var i = 0; i < N; i++)
        {
            sb.Append('f').Append(i).Append(".sys\n");
        }

        sb.Append("[Manufacturer]\n");
        for (var i = 0; i < 2000; i++)
        {
            sb.Append("M").Append(i).Append("=Models,NTamd64\n");
        }

        sb.Append("[Models.NTamd64]\n");
        for (var i = 0; i < 20_000; i++)
        {
            sb.Append("Dev=Inst").Append(i % 2000).Append(",HW\\").Append(i).Append('\n');
        }

        for (var i = 0; i < 2000; i++)
        {
            sb.Append("[Inst").Append(i).Append("]\nCopyFiles=Big\n");
        }

        var bytes = Encoding.ASCII.GetBytes(sb.ToString());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var doc = InfParser.Parse(bytes, "large.inf");
        var r = doc.Resolve(Amd64);
        watch.Stop();
        Assert.Equal(N, r.FileCopies.Count);
        Assert.Equal(N, r.Files.Count);
        Assert.Equal(20_000, r.Devices.Count);
        Assert.Equal("d59999/f59999.sys", r.Files[^1].SourcePath);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), watch.Elapsed.ToString());
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'a', offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
