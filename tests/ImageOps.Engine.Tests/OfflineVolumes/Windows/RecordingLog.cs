using System.Collections.Generic;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

internal sealed class RecordingLog : IOperationLog
{
    public List<(LogLevel Level, string Message)> Messages { get; } = new();

    public void Write(LogLevel level, string message)
    {
        lock (Messages)
        {
            Messages.Add((level, message));
        }
    }
}
