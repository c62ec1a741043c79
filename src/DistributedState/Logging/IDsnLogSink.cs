namespace DistributedState
{
    /// <summary>
    /// Where a node's log lines go (<see cref="DsnNode.StartAsync"/>). The runtime has no logging dependency of its own,
    /// so that it loads beside any other module or library (docs/design-notes.md, "Loading"); an application that uses
    /// Microsoft.Extensions.Logging forwards entries to its ILogger in a few lines (README, C# quick start).
    /// </summary>
    /// <remarks>Called from the node's own threads, never under its lock; an implementation must be thread-safe and quick.</remarks>
    public interface IDsnLogSink
    {
        /// <summary>Whether lines of this level are wanted; the node skips formatting the others.</summary>
        bool IsEnabled(DsnLogLevel level);

        /// <summary>Takes one line.</summary>
        void Write(DsnLogEntry entry);
    }
}
