using System;
using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Wait-DsnData: blocks until a key of every named member holds the value (or any value), as this node sees it,
    /// then returns the entries; a timeout is a terminating DsnWaitTimeout error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "DsnData")]
    [OutputType(typeof(DsnDataEntry))]
    public sealed class WaitDsnDataCommand : DsnCmdlet
    {
        /// <summary>The members whose state to watch.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <summary>The key to watch.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemberKeyCompleter))]
        public string Key { get; set; } = string.Empty;

        /// <summary>The value to wait for; any value when omitted.</summary>
        [Parameter(Position = 2)]
        [AllowEmptyString]
        public string? Value { get; set; }

        /// <summary>How long to wait, in seconds.</summary>
        [Parameter]
        [ValidateRange(0.001, 86400.0)]
        public double Timeout { get; set; } = 30;

        /// <summary>The node whose view to watch; default: the last started node still running.</summary>
        [Parameter]
        public DsnNode? Node { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = ResolveNode(Node);
            var wait = NodeWaits.ForDataAsync(node, NodeId, Key, Value, TimeSpan.FromSeconds(Timeout), Cancellation);
            var wanted = Value is null ? "to be set" : $"to be '{Value}'";
            var entries = ForCommand(NodeId, () => Await(wait, $"Waiting for '{Key}' {wanted} on {string.Join(", ", NodeId)}"));
            WriteObject(entries, enumerateCollection: true);
        }
    }
}
