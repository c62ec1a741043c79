namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The error categories the module reports. Names and numbers are those of PowerShell's
    /// <c>System.Management.Automation.ErrorCategory</c>, so the cmdlets convert with a cast; this assembly stays
    /// free of PowerShell so that it loads beside the runtime and xunit tests it without a host.
    /// </summary>
    public enum DsnErrorCategory
    {
        /// <summary>Nothing more specific applies.</summary>
        NotSpecified = 0,

        /// <summary>A file could not be opened or read.</summary>
        OpenError = 1,

        /// <summary>An argument is not acceptable.</summary>
        InvalidArgument = 5,

        /// <summary>Input data is not acceptable.</summary>
        InvalidData = 6,

        /// <summary>The operation is not valid in the current state (for example the node stopped).</summary>
        InvalidOperation = 7,

        /// <summary>A named object does not exist.</summary>
        ObjectNotFound = 13,

        /// <summary>The operation was cancelled.</summary>
        OperationStopped = 14,

        /// <summary>A wait ran out of time.</summary>
        OperationTimeout = 15,

        /// <summary>Access to a file was refused.</summary>
        PermissionDenied = 18,

        /// <summary>The object already exists.</summary>
        ResourceExists = 20,

        /// <summary>The resource (a member, a node) is not available.</summary>
        ResourceUnavailable = 21,

        /// <summary>A file could not be written.</summary>
        WriteError = 23,

        /// <summary>A security rule refused the operation (for example a key file other users can read).</summary>
        SecurityError = 25,

        /// <summary>The network refused or lost a connection.</summary>
        ConnectionError = 27,

        /// <summary>A size limit was exceeded.</summary>
        LimitsExceeded = 29,
    }
}
