using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Start-DsnNode: starts a node in this session, joins the network through the bootstrap nodes and returns the
    /// node object (events live on it). The node becomes the session's default for the other cmdlets, and stops when
    /// the session (runspace) closes. Limits and timings left out keep the runtime's defaults (DsnNodeOptions).
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

        /// <summary>The host name or address other nodes use to reach this one (behind NAT, or when binding to all addresses).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AdvertiseAddress { get; set; }

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

        /// <summary>A directory for the node's identity, own state and member list, so a restart continues where it stopped.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DataPath { get; set; }

        /// <summary>Pinned nodes: NodeId → identity public key (hex); only these are admitted.</summary>
        [Parameter]
        [ValidateNotNull]
        public Hashtable? AllowedNodes { get; set; }

        /// <summary>A file of pinned nodes, one "NodeId PublicKey" per line ('#' starts a comment).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AllowedNodesPath { get; set; }

        /// <summary>Largest value, in UTF-8 bytes (default 1 MiB).</summary>
        [Parameter]
        public int? MaxValueBytes { get; set; }

        /// <summary>Largest state this node may own, keys and values in UTF-8 bytes (default 16 MiB).</summary>
        [Parameter]
        public long? MaxStateBytes { get; set; }

        /// <summary>Largest direct message, in bytes (default 1 MiB).</summary>
        [Parameter]
        public int? MaxMessageBytes { get; set; }

        /// <summary>Connections the node keeps to peers (default 64).</summary>
        [Parameter]
        public int? MaxConnections { get; set; }

        /// <summary>Events waiting for handlers beyond this count are dropped and counted (default 100,000).</summary>
        [Parameter]
        public int? EventQueueCapacity { get; set; }

        /// <summary>How long a failed or departed member's last state stays readable (default 1 hour).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? DepartedRetention { get; set; }

        /// <summary>The lease of values set without -TimeToLive (default: none); 1 ms to 30 days, a number is seconds.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? DefaultTimeToLive { get; set; }

        /// <summary>How often the failure detector probes one member (default 200 ms).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? ProbeInterval { get; set; }

        /// <summary>How long a probe waits before asking others to probe indirectly (default 150 ms).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? ProbeTimeout { get; set; }

        /// <summary>How many probe rounds, scaled by log10 of the members, a suspect has to refute (default 4).</summary>
        [Parameter]
        public double? SuspicionMultiplier { get; set; }

        /// <summary>The least time between two anti-entropy exchanges with one peer (default 500 ms).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? AntiEntropyInterval { get; set; }

        /// <summary>How long start waits for a bootstrap node to admit this node (default 10 s).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? JoinTimeout { get; set; }

        /// <summary>How often -Alone retries the bootstrap list in the background (default 5 s).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? RetryJoinInterval { get; set; }

        /// <summary>Timeout for opening a TCP connection (default 2 s).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>Timeout for the authentication handshake (default 3 s).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? HandshakeTimeout { get; set; }

        /// <summary>How long Send-DsnData waits for the acknowledgement (default 5 s).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? SendTimeout { get; set; }

        /// <summary>Console logging of the node to standard error; off unless given.</summary>
        [Parameter]
        [ValidateSet("Trace", "Debug", "Information", "Warning", "Error", "None")]
        public string? LogLevel { get; set; }

        /// <summary>Start even if no bootstrap node answers, and keep trying to join in the background.</summary>
        [Parameter]
        public SwitchParameter Alone { get; set; }

        /// <summary>Announce the node on the LAN by multicast and dial the members heard of, with or without -Bootstrap.</summary>
        [Parameter]
        public SwitchParameter Discover { get; set; }

        /// <summary>The discovery multicast group (IPv4 or IPv6); implies -Discover.</summary>
        [Parameter]
        public IPAddress? DiscoveryGroup { get; set; }

        /// <summary>The discovery UDP port; implies -Discover.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? DiscoveryPort { get; set; }


        /// <inheritdoc/>
        protected override string ArgumentErrorId => "DsnNodeOptionInvalid";

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(NodeId, $"Start a node on port {Port}")) return;
            var request = ForCommand(NodeId, BuildRequest);
            var runspace = Runspace.DefaultRunspace;
            var node = ForCommand(NodeId, () => Await(SessionNodes.StartAsync(SessionNodes.CurrentOwner, request, Cancellation), $"Starting node {NodeId}"));
            RunspaceOwner.StopNodesWhenClosed(runspace);
            WriteVerbose($"Node '{node.NodeId}' listens on {node.LocalEndPoint} and advertises {node.AdvertisedEndPoint}; it is now this session's default node.");
            WriteObject(node);
        }

        private NodeStartRequest BuildRequest()
        {
            var request = new NodeStartRequest
            {
                NodeId = NodeId,
                Port = Port,
                BindAddress = BindAddress,
                AdvertiseAddress = AdvertiseAddress,
                Key = ParameterSetName == KeySet ? Key : null,
                KeyPath = ParameterSetName == KeyPathSet ? GetUnresolvedProviderPathFromPSPath(KeyPath) : null,
                IdentityPath = IdentityPath is null ? null : GetUnresolvedProviderPathFromPSPath(IdentityPath),
                DataPath = DataPath is null ? null : GetUnresolvedProviderPathFromPSPath(DataPath),
                AllowedNodesPath = AllowedNodesPath is null ? null : GetUnresolvedProviderPathFromPSPath(AllowedNodesPath),
                Alone = Alone,
                Discover = Discover,
                DiscoveryGroup = DiscoveryGroup,
                DiscoveryPort = DiscoveryPort,
                LogLevel = LogLevel,
                MaxValueBytes = MaxValueBytes,
                MaxStateBytes = MaxStateBytes,
                MaxMessageBytes = MaxMessageBytes,
                MaxConnections = MaxConnections,
                EventQueueCapacity = EventQueueCapacity,
                DepartedRetention = DepartedRetention,
                DefaultTimeToLive = DefaultTimeToLive,
                ProbeInterval = ProbeInterval,
                ProbeTimeout = ProbeTimeout,
                SuspicionMultiplier = SuspicionMultiplier,
                AntiEntropyInterval = AntiEntropyInterval,
                JoinTimeout = JoinTimeout,
                RetryJoinInterval = RetryJoinInterval,
                ConnectTimeout = ConnectTimeout,
                HandshakeTimeout = HandshakeTimeout,
                SendTimeout = SendTimeout,
            };
            if (AllowedNodes is not null)
                request.AllowedNodes = AllowedNodeList.FromDictionary(AllowedNodes, v => v is PSObject wrapped ? wrapped.BaseObject : v);
            foreach (var endpoint in Bootstrap ?? new string[0]) request.Bootstrap.Add(endpoint);
            return request;
        }
    }
}
