using System;

namespace ImageOps.Tests;

/// <summary>Sets an environment variable for the scope of a test and restores it after.</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly string _name;
    private readonly string? _previous;

    public EnvironmentScope(string name, string? value)
    {
        _name = name;
        _previous = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _previous);
}

/// <summary>Tests that change process environment variables run one at a time.</summary>
[Xunit.CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}
