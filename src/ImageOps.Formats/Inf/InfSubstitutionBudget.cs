using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Counts the characters string substitution produces while one INF is modelled, so that a file
/// whose short <c>%k%</c> tokens stand for long strings cannot multiply itself into gigabytes.
/// </summary>
internal sealed class InfSubstitutionBudget
{
    private readonly string _sourceName;
    private readonly long _limit;
    private long _used;

    public InfSubstitutionBudget(string sourceName, long limit)
    {
        _sourceName = sourceName;
        _limit = limit;
    }

    public void Consume(int characters, int line, int column)
    {
        _used += characters;
        if (_used > _limit)
        {
            throw new InfMalformedException(_sourceName, InfDiagnosticCode.SubstitutionBudgetExceeded, line, column, -1,
                string.Format(CultureInfo.InvariantCulture, "string substitution produced more than {0} characters; the file expands far beyond its own size.", _limit));
        }
    }
}
