using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Collects the diagnostics of one INF, keeping at most a configured number so that a hostile file
/// with a million bad lines cannot make the list itself the unbounded allocation.
/// </summary>
internal sealed class InfDiagnosticBag
{
    private readonly List<InfDiagnostic> _items = new();
    private readonly int _max;

    public InfDiagnosticBag(string sourceName, int max)
    {
        SourceName = sourceName;
        _max = max < 1 ? 1 : max;
    }

    public string SourceName { get; }

    public int Dropped { get; private set; }

    public int Count => _items.Count;

    public void Add(InfDiagnosticCode code, InfDiagnosticSeverity severity, int line, int column, string message)
    {
        if (_items.Count >= _max)
        {
            Dropped++;
            return;
        }

        _items.Add(new InfDiagnostic(code, severity, message, SourceName, line, column));
    }

    public void Info(InfDiagnosticCode code, int line, int column, string message) => Add(code, InfDiagnosticSeverity.Info, line, column, message);

    public void Warning(InfDiagnosticCode code, int line, int column, string message) => Add(code, InfDiagnosticSeverity.Warning, line, column, message);

    public void Error(InfDiagnosticCode code, int line, int column, string message) => Add(code, InfDiagnosticSeverity.Error, line, column, message);

    public IReadOnlyList<InfDiagnostic> ToList()
    {
        var list = new List<InfDiagnostic>(_items);
        if (Dropped > 0)
        {
            list.Add(new InfDiagnostic(
                InfDiagnosticCode.TooManyDiagnostics,
                InfDiagnosticSeverity.Warning,
                string.Format(CultureInfo.InvariantCulture, "{0} further diagnostics were not kept (limit {1}).", Dropped, _max),
                SourceName,
                0,
                0));
        }

        return list;
    }
}
