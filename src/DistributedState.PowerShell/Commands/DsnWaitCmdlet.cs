using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Wait-DsnPeer and Wait-DsnData: block until a condition holds on every named member, honouring Ctrl+C, and fail
    /// with a terminating DsnWaitTimeout error when -Timeout runs out.
    /// </summary>
    public abstract class DsnWaitCmdlet<TResult> : DsnNodeCmdlet
    {
        /// <summary>The members to wait for; a wildcard stands for the live members it matches (see <see cref="Engine.WaitMembers"/>).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <summary>How long to wait, in seconds.</summary>
        [Parameter]
        [ValidateRange(0.001, 86400.0)]
        public double Timeout { get; set; } = 30;

        /// <summary>What the progress bar says is awaited.</summary>
        protected abstract string Activity { get; }

        /// <summary>Starts the runtime's wait.</summary>
        protected abstract Task<IReadOnlyList<TResult>> WaitAsync(DsnNode node, TimeSpan timeout, CancellationToken cancellationToken);

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var node = TargetNode();
            var wait = WaitAsync(node, TimeSpan.FromSeconds(Timeout), Cancellation);
            WriteObject(ForCommand(NodeId, () => Await(wait, Activity)), enumerateCollection: true);
        }
    }
}
