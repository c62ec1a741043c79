using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>A cmdlet that does one thing to each named node of a test network (freeze, thaw, crash), with -WhatIf/-Confirm.</summary>
    public abstract class DsnTestNodeCmdlet : DsnTestNetworkCmdlet
    {
        /// <summary>The nodes to act on.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MemberNodeIdCompleter))]
        public string[] NodeId { get; set; } = new string[0];

        /// <summary>What is done to a node, as ShouldProcess shows it: "Freeze", "Thaw", "Crash".</summary>
        protected abstract string Action { get; }

        /// <summary>Does it to one node (runtime errors become this command's ErrorRecords through <see cref="DsnCmdlet.ForCommand{T}"/>).</summary>
        protected abstract void Apply(DsnTestNetwork network, string nodeId);

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var network = TargetNetwork();
            foreach (var nodeId in NodeId)
            {
                if (ShouldProcess(nodeId, Action))
                    Apply(network, nodeId);
            }
        }
    }
}
