using System;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>How a failure is reported: the ErrorId, the category, the exception to show and the target object.</summary>
    public sealed class DsnErrorInfo
    {
        /// <summary>Creates the description.</summary>
        public DsnErrorInfo(string errorId, DsnErrorCategory category, Exception exception, object? target)
        {
            ErrorId = errorId;
            Category = category;
            Exception = exception;
            Target = target;
        }

        /// <summary>The stable ErrorId (the first part of the FullyQualifiedErrorId).</summary>
        public string ErrorId { get; }

        /// <summary>The category.</summary>
        public DsnErrorCategory Category { get; }

        /// <summary>The exception whose message the user sees (aggregate and invocation wrappers removed).</summary>
        public Exception Exception { get; }

        /// <summary>The target object.</summary>
        public object? Target { get; }
    }
}
