using System.Management.Automation;
using System.Net;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Start-DsnNode: starts a node in this session, joins the network through the bootstrap nodes and returns the
    /// node object (events live on it). The node becomes the default for the other cmdlets.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "DsnNode", SupportsShouldProcess = true, DefaultParameterSetName = KeyPathSet, HelpUri = DsnCmdlet.HelpRoot + "Start-DsnNode.md")]
    [OutputType(typeof(DsnNode))]
    public sealed class StartDsnNodeCommand : DsnCmdlet
    {
        private const string KeyPathSet = "KeyPath";
        private const string KeySet = "Key";

        /// <summary>The node's name, unique in the network.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The TCP port to listen on; 0 picks a free port.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; } = EndpointList.DefaultPort;

        /// <summary>The address to listen on (default: all IPv4 addresses).</summary>
        [Parameter]
        public IPAddress? BindAddress { get; set; }

        /// <summary>The key file made by New-DsnKey.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeyPathSet)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; } = string.Empty;

        /// <summary>The network key as 32 or 64 hexadecimal characters.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeySet)]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; } = string.Empty;

        /// <summary>Members to join through: host:port, [IPv6]:port or a host name (port 7946).</summary>
        [Parameter]
        public string[]? Bootstrap { get; set; }

        /// <summary>The identity key file (default: per user, per NodeId).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IdentityPath { get; set; }

        /// <summary>Console logging of the node to standard error; off unless given.</summary>
        [Parameter]
        [ValidateSet("Trace", "Debug", "Information", "Warning", "Error", "None")]
        public string? LogLevel { get; set; }

        /// <summary>Start even if no bootstrap node answers, and keep trying to join in the background.</summary>
        [Parameter]
        public SwitchParameter Alone { get; set; }

        /// <inheritdoc/>
        protected override string ArgumentErrorId => "DsnNodeOptionInvalid";

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(NodeId, $"Start a node on port {Port}")) return;
            var request = new NodeStartRequest
            {
                NodeId = NodeId,
                Port = Port,
                BindAddress = BindAddress,
                Key = ParameterSetName == KeySet ? Key : null,
                KeyPath = ParameterSetName == KeyPathSet ? GetUnresolvedProviderPathFromPSPath(KeyPath) : null,
                IdentityPath = IdentityPath is null ? null : GetUnresolvedProviderPathFromPSPath(IdentityPath),
                Alone = Alone,
                LogLevel = LogLevel,
            };
            foreach (var endpoint in Bootstrap ?? new string[0]) request.Bootstrap.Add(endpoint);

            var node = ForCommand(NodeId, () => Await(SessionNodes.StartAsync(request, Cancellation), $"Starting node {NodeId}"));
            WriteVerbose($"Node '{node.NodeId}' listens on {node.LocalEndPoint} and advertises {node.AdvertisedEndPoint}; it is now the default node.");
            WriteObject(node);
        }
    }
}
