using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Wait-DsnData: blocks until a key of every named member holds the value (or any value), as this node sees it,
    /// then returns the entries; a timeout is a terminating DsnWaitTimeout error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "DsnData", HelpUri = DsnCmdlet.HelpRoot + "Wait-DsnData.md")]
    [OutputType(typeof(DsnDataEntry))]
    public sealed class WaitDsnDataCommand : DsnWaitCmdlet<DsnDataEntry>
    {
        /// <summary>The key to watch.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemberKeyCompleter))]
        public string Key { get; set; } = string.Empty;

        /// <summary>The value to wait for; any value when omitted.</summary>
        [Parameter(Position = 2)]
        [AllowEmptyString]
        public string? Value { get; set; }

        /// <inheritdoc/>
        protected override string Activity =>
            $"Waiting for '{Key}' {(Value is null ? "to be set" : $"to be '{Value}'")} on {string.Join(", ", NodeId)}";

        /// <inheritdoc/>
        protected override Task<IReadOnlyList<DsnDataEntry>> WaitAsync(DsnNode node, TimeSpan timeout, CancellationToken cancellationToken) =>
            NodeWaits.ForDataAsync(node, NodeId, Key, Value, timeout, cancellationToken);
    }
}
