using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Splits decoded INF text into sections, entries and fields, with the rules of "General Syntax Rules
/// for INF Files" (learn.microsoft.com) and, where that page is silent, the behaviour of SetupAPI's
/// parser as reimplemented by Wine (dlls/setupapi/parser.c), which real INFs are written against:
/// <list type="bullet">
/// <item>A section header is <c>[name]</c> at the start of a line; the rest of its line is ignored.
/// Without <c>]</c> on the same line the file is unreadable (SetupAPI: ERROR_BAD_SECTION_NAME_LINE).</item>
/// <item><c>;</c> starts a comment outside quotes. Inside <c>"..."</c>, <c>""</c> is one quote; a quote left
/// open ends at the end of the line.</item>
/// <item>Spaces around fields are dropped and spaces inside are kept; <c>=</c> before the first comma
/// makes the preceding text the key.</item>
/// <item>A backslash followed only by spaces, more backslashes or a comment up to the end of the line
/// continues the entry on the next line, whose leading spaces are dropped; any other backslash is text.</item>
/// </list>
/// Nothing here recurses, and every count is checked against <see cref="InfParseLimits"/> as it grows.
/// </summary>
internal sealed class InfTokenizer
{
    // Windows' limit for one field, counting its terminating NUL ("INF Size Limits").
    internal const int WindowsMaxFieldLength = 4096;

    // Windows' limit for a section name ("Section Names": 255 characters on Windows 2000 and later).
    internal const int WindowsMaxSectionNameLength = 255;

    private readonly InfDecodedText _decoded;
    private readonly string _text;
    private readonly int _n;
    private readonly string _sourceName;
    private readonly InfParseLimits _limits;
    private readonly InfDiagnosticBag _bag;
    private readonly CancellationToken _cancellation;
    private readonly List<InfSection> _sections = new();
    private readonly Dictionary<string, InfSection> _byName = new(InfSection.NameComparer);
    private readonly StringBuilder _field = new();

    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private int _headers;
    private int _entries;
    private int _fields;
    private InfSection? _current;

    // State of the field being read.
    private bool _hasContent;
    private bool _quoted;
    private bool _positioned;
    private int _fieldLine;
    private int _fieldColumn;
    private int _pendingStart = -1;
    private int _pendingEnd = -1;

    public InfTokenizer(InfDecodedText decoded, string sourceName, InfParseLimits limits, InfDiagnosticBag bag, CancellationToken cancellation)
    {
        _decoded = decoded;
        _text = decoded.Text;
        _n = _text.Length;
        _sourceName = sourceName;
        _limits = limits;
        _bag = bag;
        _cancellation = cancellation;
    }

    public InfFile Run()
    {
        var lineCount = CheckPhysicalLines();
        while (_pos < _n)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                ConsumeNewLine();
                continue;
            }

            if (IsBlank(c))
            {
                _pos++;
                continue;
            }

            if (c == ';')
            {
                _pos = EndOfLine(_pos);
                continue;
            }

            if (c == '[')
            {
                SectionHeader();
                continue;
            }

            Entry();
        }

        return new InfFile(_sourceName, _decoded.Encoding, _decoded.HasByteOrderMark, _sections, lineCount);
    }

    internal static bool IsBlank(char c) => c != '\n' && char.IsWhiteSpace(c);

    private int Column(int index) => index - _lineStart + 1;

    private int EndOfLine(int from)
    {
        var eol = _text.IndexOf('\n', from);
        return eol < 0 ? _n : eol;
    }

    private void ConsumeNewLine()
    {
        _pos++;
        _line++;
        _lineStart = _pos;
    }

    private int CheckPhysicalLines()
    {
        var start = 0;
        var line = 1;
        while (true)
        {
            var eol = _text.IndexOf('\n', start);
            var end = eol < 0 ? _n : eol;
            if (end - start > _limits.MaxLineLength)
            {
                throw Fail(InfDiagnosticCode.LineTooLong, line, _limits.MaxLineLength + 1, start + _limits.MaxLineLength,
                    string.Format(CultureInfo.InvariantCulture, "line {0} is {1} characters long; the limit is {2}.", line, end - start, _limits.MaxLineLength));
            }

            if (eol < 0)
            {
                return line;
            }

            start = eol + 1;
            line++;
        }
    }

    private void SectionHeader()
    {
        var open = _pos;
        var line = _line;
        var column = Column(open);
        var eol = EndOfLine(open);
        var close = _text.IndexOf(']', open + 1, eol - open - 1);
        if (close < 0)
        {
            throw Fail(InfDiagnosticCode.UnterminatedSectionHeader, line, column, open, "the section header has no closing ']' on its line.");
        }

        var name = _text.Substring(open + 1, close - open - 1);
        if (name.Length > WindowsMaxSectionNameLength)
        {
            throw Fail(InfDiagnosticCode.SectionNameTooLong, line, column, open,
                string.Format(CultureInfo.InvariantCulture, "the section name is {0} characters long; Windows allows {1}.", name.Length, WindowsMaxSectionNameLength));
        }

        if (name.Length > 0 && (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[name.Length - 1])))
        {
            _bag.Warning(InfDiagnosticCode.SectionNameWhitespace, line, column, "The section name '" + name + "' has spaces inside its brackets; they are part of the name, so references without them do not find it.");
        }

        var rest = _text.Substring(close + 1, eol - close - 1).Trim();
        if (rest.Length > 0 && rest[0] != ';')
        {
            _bag.Warning(InfDiagnosticCode.SectionHeaderTrailingText, line, Column(close + 1), "Text after the section header [" + name + "] is ignored.");
        }

        if (++_headers > _limits.MaxSections)
        {
            throw Fail(InfDiagnosticCode.TooManySections, line, column, open,
                string.Format(CultureInfo.InvariantCulture, "the file has more than {0} section headers.", _limits.MaxSections));
        }

        if (_byName.TryGetValue(name, out var existing))
        {
            existing.HeaderCount++;
            _bag.Info(InfDiagnosticCode.DuplicateSection, line, column, string.Format(CultureInfo.InvariantCulture, "Section [{0}] appears again (first at line {1}); its entries are merged in order, as Windows does.", name, existing.Line));
            _current = existing;
        }
        else
        {
            var section = new InfSection(name, line, column);
            _byName.Add(name, section);
            _sections.Add(section);
            _current = section;
        }

        _pos = eol;
    }

    private void Entry()
    {
        if ((_entries & 0xFFF) == 0)
        {
            _cancellation.ThrowIfCancellationRequested();
        }

        var start = _pos;
        var line = _line;
        var column = Column(start);
        var values = new List<InfField>();
        InfField? key = null;
        var keyAllowed = true;
        StartField();

        while (true)
        {
            if (_pos >= _n)
            {
                values.Add(FinishField());
                break;
            }

            var c = _text[_pos];
            if (c == '\n')
            {
                values.Add(FinishField());
                break;
            }

            if (c == ';')
            {
                values.Add(FinishField());
                _pos = EndOfLine(_pos);
                break;
            }

            switch (c)
            {
                case '"':
                    FlushPending();
                    ReadQuoted();
                    break;
                case ',':
                    values.Add(FinishField());
                    keyAllowed = false;
                    _pos++;
                    StartField();
                    break;
                case '=' when keyAllowed:
                    key = FinishField();
                    keyAllowed = false;
                    _pos++;
                    StartField();
                    break;
                case '\\':
                    Backslash(start, line);
                    break;
                default:
                    if (IsBlank(c))
                    {
                        if (_hasContent)
                        {
                            if (_pendingStart < 0)
                            {
                                _pendingStart = _pos;
                            }

                            _pendingEnd = _pos + 1;
                        }

                        _pos++;
                    }
                    else
                    {
                        FlushPending();
                        MarkContent(_pos);
                        _field.Append(c);
                        _pos++;
                    }

                    break;
            }
        }

        if (++_entries > _limits.MaxEntries)
        {
            throw Fail(InfDiagnosticCode.TooManyEntries, line, column, start,
                string.Format(CultureInfo.InvariantCulture, "the file has more than {0} entries.", _limits.MaxEntries));
        }

        var entry = new InfEntry(key, values, line, column);
        if (_current is null)
        {
            _bag.Warning(InfDiagnosticCode.EntryOutsideSection, line, column, "This line comes before the first section header and is ignored.");
            return;
        }

        _current.Add(entry);
    }

    private void StartField()
    {
        _field.Clear();
        _hasContent = false;
        _quoted = false;
        _positioned = false;
        _fieldLine = _line;
        _fieldColumn = Column(_pos);
        _pendingStart = -1;
        _pendingEnd = -1;
    }

    private void MarkContent(int index)
    {
        if (!_positioned)
        {
            _positioned = true;
            _fieldLine = _line;
            _fieldColumn = Column(index);
        }

        _hasContent = true;
    }

    // Spaces between two pieces of a field are part of it; spaces at either end are not.
    private void FlushPending()
    {
        if (_pendingStart >= 0 && _hasContent)
        {
            _field.Append(_text, _pendingStart, _pendingEnd - _pendingStart);
        }

        _pendingStart = -1;
        _pendingEnd = -1;
    }

    private InfField FinishField()
    {
        if (++_fields > _limits.MaxFields)
        {
            throw Fail(InfDiagnosticCode.TooManyFields, _fieldLine, _fieldColumn, _pos,
                string.Format(CultureInfo.InvariantCulture, "the file has more than {0} fields.", _limits.MaxFields));
        }

        var value = _field.ToString();
        if (value.Length >= WindowsMaxFieldLength)
        {
            _bag.Error(InfDiagnosticCode.FieldTooLong, _fieldLine, _fieldColumn,
                string.Format(CultureInfo.InvariantCulture, "This field is {0} characters long; Windows allows {1} including the terminating NUL.", value.Length, WindowsMaxFieldLength - 1));
        }

        return new InfField(value, _fieldLine, _fieldColumn, _quoted);
    }

    private void ReadQuoted()
    {
        var openLine = _line;
        var openColumn = Column(_pos);
        MarkContent(_pos);
        _quoted = true;
        _pos++;
        while (true)
        {
            if (_pos >= _n || _text[_pos] == '\n')
            {
                _bag.Warning(InfDiagnosticCode.UnterminatedQuote, openLine, openColumn, "The quoted string is not closed; it runs to the end of the line.");
                return;
            }

            var c = _text[_pos];
            if (c == '"')
            {
                if (_pos + 1 < _n && _text[_pos + 1] == '"')
                {
                    _field.Append('"');
                    _pos += 2;
                    continue;
                }

                _pos++;
                return;
            }

            _field.Append(c);
            _pos++;
        }
    }

    private void Backslash(int entryStart, int entryLine)
    {
        var first = _pos;
        var q = _pos;
        while (q < _n)
        {
            var c = _text[q];
            if (c == '\\' || IsBlank(c))
            {
                q++;
                continue;
            }

            if (c == ';')
            {
                // "CopyFiles = "dir\"\ ; comment" still continues (General Syntax Rules example).
                q = EndOfLine(q);
                continue;
            }

            break;
        }

        if (q >= _n)
        {
            _bag.Warning(InfDiagnosticCode.ContinuationAtEndOfFile, _line, Column(first), "A line continuation backslash ends the file; it is ignored.");
            _pos = _n;
            return;
        }

        if (_text[q] == '\n')
        {
            _pos = q;
            ConsumeNewLine();
            while (_pos < _n && IsBlank(_text[_pos]))
            {
                _pos++;
            }

            // Spaces before the backslash and at the start of the next line are not part of the field.
            _pendingStart = -1;
            _pendingEnd = -1;
            if (_pos - entryStart > _limits.MaxLineLength)
            {
                throw Fail(InfDiagnosticCode.LineTooLong, entryLine, 1, entryStart,
                    string.Format(CultureInfo.InvariantCulture, "the entry starting on line {0} is longer than {1} characters after joining continued lines.", entryLine, _limits.MaxLineLength));
            }

            return;
        }

        // Not a continuation: the backslashes (and any spaces after them) are text, as in "%12%\x.sys".
        FlushPending();
        MarkContent(first);
        _field.Append(_text, first, q - first);
        _pos = q;
    }

    private InfMalformedException Fail(InfDiagnosticCode code, int line, int column, int charIndex, string detail)
        => new(_sourceName, code, line, column, _decoded.ByteOffsetOf(charIndex), detail);
}
