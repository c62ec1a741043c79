using System;
using System.Collections.Generic;
using System.Net;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// What Start-DsnNode was asked for, turned into <see cref="DsnNodeOptions"/> in one tested place. Settings left
    /// null keep the runtime's defaults, so the defaults are written down once, in <see cref="DsnNodeOptions"/>.
    /// </summary>
    public sealed class NodeStartRequest
    {
        /// <summary>The NodeId.</summary>
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The TCP port; 0 picks a free one.</summary>
        public int Port { get; set; } = EndpointList.DefaultPort;

        /// <summary>The address to listen on; null keeps the runtime's default (all IPv4 addresses).</summary>
        public IPAddress? BindAddress { get; set; }

        /// <summary>The host name or address other nodes use to reach this one (<see cref="DsnNodeOptions.AdvertiseAddress"/>).</summary>
        public string? AdvertiseAddress { get; set; }

        /// <summary>A key file (already resolved to a file-system path); used when <see cref="Key"/> is null.</summary>
        public string? KeyPath { get; set; }

        /// <summary>The network key as hexadecimal text.</summary>
        public string? Key { get; set; }

        /// <summary>Bootstrap endpoints as typed.</summary>
        public IList<string> Bootstrap { get; } = new List<string>();

        /// <summary>The identity file (resolved path), or null for the per-user default.</summary>
        public string? IdentityPath { get; set; }

        /// <summary>The data directory (resolved path), or null: <see cref="DsnNodeOptions.DataPath"/>.</summary>
        public string? DataPath { get; set; }

        /// <summary>Pinned nodes given directly (see <see cref="AllowedNodeList.FromDictionary"/>).</summary>
        public IReadOnlyDictionary<string, string> AllowedNodes { get; set; } = new Dictionary<string, string>();

        /// <summary>An allow-list file (resolved path) in the format of <see cref="AllowedNodeList"/>, or null.</summary>
        public string? AllowedNodesPath { get; set; }

        /// <summary>Start even if no bootstrap node answers, and keep trying to join in the background.</summary>
        public bool Alone { get; set; }

        /// <summary>Announce the node on the LAN and dial the members heard of (<see cref="DsnNodeOptions.Discovery"/>).</summary>
        public bool Discover { get; set; }

        /// <summary>The discovery multicast group; null keeps the runtime's default.</summary>
        public IPAddress? DiscoveryGroup { get; set; }

        /// <summary>The discovery UDP port; null keeps the runtime's default.</summary>
        public int? DiscoveryPort { get; set; }

        /// <summary>A <see cref="ConsoleLogging.LevelNames"/> entry, or null for no logging.</summary>
        public string? LogLevel { get; set; }

        /// <summary><see cref="DsnNodeOptions.MaxValueBytes"/>.</summary>
        public int? MaxValueBytes { get; set; }

        /// <summary><see cref="DsnNodeOptions.MaxStateBytes"/>.</summary>
        public long? MaxStateBytes { get; set; }

        /// <summary><see cref="DsnNodeOptions.MaxMessageBytes"/>.</summary>
        public int? MaxMessageBytes { get; set; }

        /// <summary><see cref="DsnNodeOptions.MaxConnections"/>.</summary>
        public int? MaxConnections { get; set; }

        /// <summary><see cref="DsnNodeOptions.EventQueueCapacity"/>.</summary>
        public int? EventQueueCapacity { get; set; }

        /// <summary><see cref="DsnNodeOptions.DepartedRetention"/>.</summary>
        public TimeSpan? DepartedRetention { get; set; }

        /// <summary><see cref="DsnNodeOptions.DefaultTimeToLive"/>.</summary>
        public TimeSpan? DefaultTimeToLive { get; set; }

        /// <summary><see cref="DsnNodeOptions.ProbeInterval"/>.</summary>
        public TimeSpan? ProbeInterval { get; set; }

        /// <summary><see cref="DsnNodeOptions.ProbeTimeout"/>.</summary>
        public TimeSpan? ProbeTimeout { get; set; }

        /// <summary><see cref="DsnNodeOptions.SuspicionMultiplier"/>.</summary>
        public double? SuspicionMultiplier { get; set; }

        /// <summary><see cref="DsnNodeOptions.AntiEntropyInterval"/>.</summary>
        public TimeSpan? AntiEntropyInterval { get; set; }

        /// <summary><see cref="DsnNodeOptions.JoinTimeout"/>.</summary>
        public TimeSpan? JoinTimeout { get; set; }

        /// <summary><see cref="DsnNodeOptions.RetryJoinInterval"/>.</summary>
        public TimeSpan? RetryJoinInterval { get; set; }

        /// <summary><see cref="DsnNodeOptions.ConnectTimeout"/>.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary><see cref="DsnNodeOptions.HandshakeTimeout"/>.</summary>
        public TimeSpan? HandshakeTimeout { get; set; }

        /// <summary><see cref="DsnNodeOptions.SendTimeout"/>.</summary>
        public TimeSpan? SendTimeout { get; set; }

        /// <summary>Builds the runtime options; the runtime checks the values when the node starts.</summary>
        /// <exception cref="DsnCommandException">DsnNetworkKeyMissing, DsnNetworkKeyInvalid, DsnEndpointInvalid, DsnAllowedNodesInvalid, DsnPathIsDirectory.</exception>
        /// <exception cref="System.IO.FileNotFoundException">The key file or the allow-list file does not exist.</exception>
        public DsnNodeOptions ToOptions()
        {
            if (IdentityPath is not null)
                FileArgument.EnsureNotDirectory(IdentityPath, "-IdentityPath", "the node's identity file (it is created when missing)");
            var options = new DsnNodeOptions
            {
                NodeId = NodeId,
                Port = Port,
                NetworkKeyring = LoadKeyring(),
                // A node started from a key file keeps its keyring there: a key rotation rewrites it.
                NetworkKeyPath = Key is null ? KeyPath : null,
                IdentityPath = IdentityPath,
                DataPath = DataPath,
                RetryJoinInBackground = Alone,
                AdvertiseAddress = AdvertiseAddress,
            };
            if (BindAddress is not null) options.BindAddress = BindAddress;
            if (Discover || DiscoveryGroup is not null || DiscoveryPort is not null)
            {
                var discovery = new DsnDiscoveryOptions();
                if (DiscoveryGroup is not null) discovery.Group = DiscoveryGroup;
                if (DiscoveryPort is int port) discovery.Port = port;
                options.Discovery = discovery;
            }

            foreach (var endpoint in EndpointList.Parse(Bootstrap))
                options.BootstrapNodes.Add(endpoint);
            var fromFile = AllowedNodesPath is null ? new Dictionary<string, string>() : AllowedNodeList.Load(AllowedNodesPath);
            foreach (var pinned in AllowedNodeList.Merge(AllowedNodes, fromFile))
                options.AllowedNodes.Add(pinned);
            ApplyTuning(options);
            return options;
        }

        private void ApplyTuning(DsnNodeOptions options)
        {
            options.MaxValueBytes = MaxValueBytes ?? options.MaxValueBytes;
            options.MaxStateBytes = MaxStateBytes ?? options.MaxStateBytes;
            options.MaxMessageBytes = MaxMessageBytes ?? options.MaxMessageBytes;
            options.MaxConnections = MaxConnections ?? options.MaxConnections;
            options.EventQueueCapacity = EventQueueCapacity ?? options.EventQueueCapacity;
            options.DepartedRetention = DepartedRetention ?? options.DepartedRetention;
            options.DefaultTimeToLive = DefaultTimeToLive ?? options.DefaultTimeToLive;
            options.ProbeInterval = ProbeInterval ?? options.ProbeInterval;
            options.ProbeTimeout = ProbeTimeout ?? options.ProbeTimeout;
            options.SuspicionMultiplier = SuspicionMultiplier ?? options.SuspicionMultiplier;
            options.AntiEntropyInterval = AntiEntropyInterval ?? options.AntiEntropyInterval;
            options.JoinTimeout = JoinTimeout ?? options.JoinTimeout;
            options.RetryJoinInterval = RetryJoinInterval ?? options.RetryJoinInterval;
            options.ConnectTimeout = ConnectTimeout ?? options.ConnectTimeout;
            options.HandshakeTimeout = HandshakeTimeout ?? options.HandshakeTimeout;
            options.SendTimeout = SendTimeout ?? options.SendTimeout;
        }

        private DsnNetworkKeyring LoadKeyring()
        {
            if (Key is null && KeyPath is null)
                throw new DsnCommandException("DsnNetworkKeyMissing", DsnErrorCategory.InvalidArgument,
                    "A network key is required: pass -KeyPath with a file made by New-DsnKey, or -Key with its text.");
            if (Key is null)
                FileArgument.EnsureNotDirectory(KeyPath!, "-KeyPath", "a key file made by New-DsnKey -Path");
            try
            {
                return Key is not null ? new DsnNetworkKeyring(DsnNetworkKey.Parse(Key)) : DsnNetworkKeyring.Load(KeyPath!);
            }
            catch (ArgumentException ex)
            {
                throw new DsnCommandException("DsnNetworkKeyInvalid", DsnErrorCategory.InvalidData, ex.Message, (object?)KeyPath ?? "-Key", ex);
            }
        }
    }
}
