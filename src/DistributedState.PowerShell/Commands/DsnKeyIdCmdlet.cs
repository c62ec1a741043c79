using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>A keyring cmdlet that needs only a key's name: its text, its file, or its id (-KeyId).</summary>
    public abstract class DsnKeyIdCmdlet : DsnKeyArgumentCmdlet
    {
        /// <summary>Parameter set: the key named by its id.</summary>
        protected const string KeyIdSet = "KeyId";

        /// <summary>The key's id: 16 hexadecimal characters, as Get-DsnNetworkKey shows them in KeyIds.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeyIdSet)]
        [ValidateNotNullOrEmpty]
        public string KeyId { get; set; } = string.Empty;

        /// <summary>The id of the key given (terminating DsnKeyIdInvalid or DsnNetworkKeyInvalid when it is none).</summary>
        protected string GivenKeyId() =>
            ForCommand(ParameterSetName == KeyIdSet ? KeyId : ParameterSetName == KeyPathSet ? KeyPath : "-Key",
                () => NetworkKeyArgument.KeyId(ParameterSetName == KeyIdSet ? KeyId : null, Text(), ResolvedPath()));
    }
}
