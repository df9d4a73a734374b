namespace ImageOps.Formats.Registry;

/// <summary>What one edit of a plan did when it was applied.</summary>
public sealed class RegistryEditResult
{
    internal RegistryEditResult(RegistryEdit edit, RegistryEditOutcome outcome, int keysCreated)
    {
        Edit = edit;
        Outcome = outcome;
        KeysCreated = keysCreated;
    }

    /// <summary>The edit.</summary>
    public RegistryEdit Edit { get; }

    /// <summary>What it did.</summary>
    public RegistryEditOutcome Outcome { get; }

    /// <summary>How many keys it created (the key itself and missing keys above it).</summary>
    public int KeysCreated { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Edit}: {Outcome}";
}
