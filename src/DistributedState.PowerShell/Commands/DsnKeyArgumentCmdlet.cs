using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>A keyring cmdlet about one key, given as its text (-Key) or its file (-KeyPath).</summary>
    public abstract class DsnKeyArgumentCmdlet : DsnKeyringCmdlet
    {
        /// <summary>Parameter set: the key as text.</summary>
        protected const string KeySet = "Key";

        /// <summary>Parameter set: the key in a file.</summary>
        protected const string KeyPathSet = "KeyPath";

        /// <summary>The key as 32 or 64 hexadecimal characters (New-DsnKey's output).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet)]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; } = string.Empty;

        /// <summary>A file holding the key, as New-DsnKey -Path writes it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeyPathSet)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; } = string.Empty;

        /// <summary>The key given, as a runtime key (terminating DsnNetworkKeyInvalid when it is not one).</summary>
        protected DsnNetworkKey GivenKey() =>
            ForCommand(ParameterSetName == KeyPathSet ? KeyPath : "-Key", () => NetworkKeyArgument.Key(Text(), ResolvedPath()));

        /// <summary>The text of -Key, or null in another parameter set.</summary>
        protected string? Text() => ParameterSetName == KeySet ? Key : null;

        /// <summary>-KeyPath resolved against the PowerShell location, or null in another parameter set.</summary>
        protected string? ResolvedPath() => ParameterSetName == KeyPathSet ? GetUnresolvedProviderPathFromPSPath(KeyPath) : null;
    }
}
