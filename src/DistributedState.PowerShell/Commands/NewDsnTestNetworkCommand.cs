using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// New-DsnTestNetwork: starts N nodes in this session on the runtime's fault-injection transport, for Pester tests
    /// of scripts that react to failures; the fault cmdlets then partition, heal, slow, freeze and crash them.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DsnTestNetwork", SupportsShouldProcess = true, HelpUri = DsnCmdlet.HelpRoot + "New-DsnTestNetwork.md")]
    [OutputType(typeof(DsnTestNetwork))]
    public sealed class NewDsnTestNetworkCommand : DsnCmdlet
    {
        /// <summary>How many nodes.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(1, 64)]
        public int Count { get; set; } = 3;

        /// <summary>NodeIds are this prefix and a number: node1, node2…</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string NodeIdPrefix { get; set; } = "node";

        /// <summary>The seed of the fault schedule, to replay a run; drawn when omitted (the network's Seed property shows it).</summary>
        [Parameter]
        public int? Seed { get; set; }

        /// <summary>Probability (0–1) that a frame is dropped on every link.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double Loss { get; set; }

        /// <summary>Delay added to every frame on every link ('5ms', seconds, or a TimeSpan).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan Delay { get; set; }

        /// <summary>Console logging of the nodes to standard error; off unless given.</summary>
        [Parameter]
        [ValidateSet("Trace", "Debug", "Information", "Warning", "Error", "None")]
        public string? LogLevel { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"{NodeIdPrefix}1..{NodeIdPrefix}{Count}", $"Start a test network of {Count} nodes")) return;
            var options = new DsnTestNetworkOptions { Count = Count, NodeIdPrefix = NodeIdPrefix, Seed = Seed, Loss = Loss, Delay = Delay };
            var runspace = Runspace.DefaultRunspace;
            var network = ForCommand(NodeIdPrefix, () => Await(TestNetworks.StartAsync(SessionNodes.CurrentOwner, options, LogLevel, Cancellation),
                $"Starting a test network of {Count} nodes"));
            RunspaceOwner.StopNodesWhenClosed(runspace);
            WriteVerbose($"Test network of {Count} nodes started (seed {network.Seed}); its last node is now this session's default node.");
            WriteObject(network);
        }
    }
}
