using System;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// A failure the module itself detects (bad input, no node running…), already carrying the ErrorId and
    /// category the cmdlet reports, so error identities are decided in one tested place.
    /// </summary>
    public sealed class DsnCommandException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public DsnCommandException(string errorId, DsnErrorCategory category, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        /// <summary>The stable ErrorId, for example <c>DsnKeyInvalid</c>.</summary>
        public string ErrorId { get; }

        /// <summary>The PowerShell error category.</summary>
        public DsnErrorCategory Category { get; }

        /// <summary>The object the failure is about (a key, a NodeId, an endpoint text…), or null.</summary>
        public object? Target { get; }
    }
}
