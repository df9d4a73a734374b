using System.Linq;
using System.Text;
using ImageOps.Formats.Inf;
using static ImageOps.Formats.Tests.Inf.InfTestText;

namespace ImageOps.Formats.Tests.Inf;

public class InfTextDecoderTests
{
    private const string Sample = "[Version]\r\nSignature=\"$Windows NT$\"\r\n";

    private static InfDecodedText Decode(byte[] bytes, out InfDiagnosticBag bag)
    {
        bag = new InfDiagnosticBag("t.inf", 100);
        return InfTextDecoder.Decode(bytes, bytes.Length, bag);
    }

    [Fact]
    public void Ascii_is_recognised_without_diagnostics()
    {
        var text = Decode(Ascii(Sample), out var bag);
        Assert.Equal(InfTextEncoding.Ascii, text.Encoding);
        Assert.Equal(Sample, text.Text);
        Assert.Equal(0, bag.Count);
    }

    [Fact]
    public void Utf16le_with_bom_drops_the_bom()
    {
        var text = Decode(Utf16(Sample), out var bag);
        Assert.Equal(InfTextEncoding.Utf16LittleEndian, text.Encoding);
        Assert.True(text.HasByteOrderMark);
        Assert.Equal(Sample, text.Text);
        Assert.Equal(0, bag.Count);
    }

    [Fact]
    public void Utf16le_without_bom_is_detected_by_its_nul_pattern()
    {
        var text = Decode(Utf16(Sample, bom: false), out var bag);
        Assert.Equal(InfTextEncoding.Utf16LittleEndian, text.Encoding);
        Assert.False(text.HasByteOrderMark);
        Assert.Equal(Sample, text.Text);
        Assert.True(bag.Has(InfDiagnosticCode.Utf16WithoutByteOrderMark));
    }

    [Fact]
    public void Utf16be_is_decoded_but_reported_because_windows_would_not_read_it()
    {
        var bytes = new byte[] { 0xFE, 0xFF }.Concat(Encoding.BigEndianUnicode.GetBytes(Sample)).ToArray();
        var text = Decode(bytes, out var bag);
        Assert.Equal(InfTextEncoding.Utf16BigEndian, text.Encoding);
        Assert.Equal(Sample, text.Text);
        Assert.Equal(InfDiagnosticSeverity.Error, bag.Single(InfDiagnosticCode.Utf16BigEndian).Severity);
    }

    [Fact]
    public void Utf8_with_bom_is_utf8()
    {
        var text = Decode(Utf8("[Strings]\nA=\"Grüße\"\n", bom: true), out var bag);
        Assert.Equal(InfTextEncoding.Utf8, text.Encoding);
        Assert.True(text.HasByteOrderMark);
        Assert.Contains("Grüße", text.Text);
        Assert.Equal(0, bag.Count);
    }

    [Fact]
    public void Valid_utf8_without_bom_is_utf8_and_reported()
    {
        var text = Decode(Utf8("[Strings]\nA=\"Сетевой адаптер\"\n"), out var bag);
        Assert.Equal(InfTextEncoding.Utf8, text.Encoding);
        Assert.Contains("Сетевой адаптер", text.Text);
        Assert.True(bag.Has(InfDiagnosticCode.Utf8WithoutByteOrderMark));
    }

    [Fact]
    public void Eight_bit_text_that_is_not_utf8_is_windows_1252_including_the_0x80_to_0x9f_range()
    {
        // 0xA9 ©, 0x80 €, 0x93/0x94 curly quotes, 0x81 undefined (kept as U+0081, as Windows does).
        var bytes = Ascii("[Strings]\nA=x\n").Concat(new byte[] { (byte)'B', (byte)'=', 0xA9, 0x80, 0x93, 0x94, 0x81, (byte)'\n' }).ToArray();
        var text = Decode(bytes, out var bag);
        Assert.Equal(InfTextEncoding.Windows1252, text.Encoding);
        Assert.EndsWith("B=\u00A9\u20AC\u201C\u201D\u0081\n", text.Text);
        Assert.True(bag.Has(InfDiagnosticCode.AnsiCodePageAssumed));
    }

    [Fact]
    public void Invalid_utf8_after_a_bom_is_replaced_and_reported()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', 0xC3, (byte)'b' };
        var text = Decode(bytes, out var bag);
        Assert.Equal("a\uFFFDb", text.Text);
        Assert.True(bag.Has(InfDiagnosticCode.InvalidUtf8));
    }

    [Fact]
    public void Overlong_utf8_is_not_taken_for_utf8()
    {
        // C0 AF is an overlong '/'; strict UTF-8 refuses it, so the file is ANSI.
        var text = Decode(new byte[] { (byte)'a', 0xC0, 0xAF }, out _);
        Assert.Equal(InfTextEncoding.Windows1252, text.Encoding);
    }

    [Fact]
    public void Nul_characters_become_spaces_and_are_reported_once_with_their_position()
    {
        var text = Decode(Ascii("[A]\nk=a\0b\0\n"), out var bag);
        Assert.Equal("[A]\nk=a b \n", text.Text);
        var d = bag.Single(InfDiagnosticCode.NulCharacter);
        Assert.Equal(2, d.Line);
        Assert.Equal(4, d.Column);
        Assert.Contains("2 NUL", d.Message);
    }

    [Fact]
    public void Ctrl_z_ends_the_text()
    {
        var text = Decode(Ascii("[A]\nk=v\n\u001A[B]\nx=y\n"), out var bag);
        Assert.Equal("[A]\nk=v\n", text.Text);
        Assert.Equal(3, bag.Single(InfDiagnosticCode.EndOfFileMarker).Line);
    }

    [Fact]
    public void An_odd_utf16_length_drops_the_last_byte()
    {
        var bytes = Utf16("[A]\n").Concat(new byte[] { 0x41 }).ToArray();
        var text = Decode(bytes, out var bag);
        Assert.Equal("[A]\n", text.Text);
        Assert.True(bag.Has(InfDiagnosticCode.OddUtf16Length));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xEF, 0xBB })]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00 })]
    public void Tiny_inputs_decode_without_throwing(byte[] bytes)
    {
        var text = Decode(bytes, out _);
        Assert.NotNull(text.Text);
    }

    [Fact]
    public void Byte_offsets_map_back_through_each_encoding()
    {
        Assert.Equal(2 + (2 * 5), Decode(Utf16("[Version]"), out _).ByteOffsetOf(5));
        Assert.Equal(5, Decode(Ascii("[Version]"), out _).ByteOffsetOf(5));

        // "é" is two bytes in UTF-8, so the character after it is one byte further than its index.
        var utf8 = Decode(Utf8("[é]x", bom: true), out _);
        Assert.Equal('x', utf8.Text[3]);
        Assert.Equal(3 + 4, utf8.ByteOffsetOf(3));
    }
}
