using System.Collections.Generic;

namespace ImageOps.Engine.Inventory;

/// <summary>The problems of one inventory as they are met, also logged (errors and warnings as warnings) so both front ends show them.</summary>
internal sealed class InventoryProblems
{
    private readonly List<InventoryProblem> _problems = new();
    private readonly OperationContext _context;

    public InventoryProblems(OperationContext context)
    {
        _context = context;
    }

    public IReadOnlyList<InventoryProblem> All => _problems;

    public void Add(ProblemSeverity severity, string id, string message, int? partition = null, string? path = null)
    {
        _problems.Add(new InventoryProblem { Severity = severity, Id = id, Message = message, PartitionNumber = partition, Path = path });
        if (severity == ProblemSeverity.Information)
        {
            _context.Log.Verbose(message);
        }
        else
        {
            _context.Log.Warning(message);
        }
    }
}
