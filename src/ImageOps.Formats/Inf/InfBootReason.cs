namespace ImageOps.Formats.Inf;

/// <summary>One finding behind an <see cref="InfBootClassification"/>.</summary>
public sealed class InfBootReason
{
    internal InfBootReason(InfBootReasonKind kind, string serviceName, string detail)
    {
        Kind = kind;
        ServiceName = serviceName;
        Detail = detail;
    }

    /// <summary>What was found.</summary>
    public InfBootReasonKind Kind { get; }

    /// <summary>The service it concerns.</summary>
    public string ServiceName { get; }

    /// <summary>A sentence for a person.</summary>
    public string Detail { get; }

    /// <summary>The kind, service and detail.</summary>
    public override string ToString() => Kind + " (" + ServiceName + "): " + Detail;
}
