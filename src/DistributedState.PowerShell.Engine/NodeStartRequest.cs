using System;
using System.Collections.Generic;
using System.Net;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>What Start-DsnNode was asked for, turned into <see cref="DsnNodeOptions"/> in one tested place.</summary>
    public sealed class NodeStartRequest
    {
        /// <summary>The NodeId.</summary>
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The TCP port; 0 picks a free one.</summary>
        public int Port { get; set; } = EndpointList.DefaultPort;

        /// <summary>The address to listen on; null keeps the runtime's default (all IPv4 addresses).</summary>
        public IPAddress? BindAddress { get; set; }

        /// <summary>A key file (already resolved to a file-system path); used when <see cref="Key"/> is null.</summary>
        public string? KeyPath { get; set; }

        /// <summary>The network key as hexadecimal text.</summary>
        public string? Key { get; set; }

        /// <summary>Bootstrap endpoints as typed.</summary>
        public IList<string> Bootstrap { get; } = new List<string>();

        /// <summary>The identity file (resolved path), or null for the per-user default.</summary>
        public string? IdentityPath { get; set; }

        /// <summary>Start even if no bootstrap node answers, and keep trying to join in the background.</summary>
        public bool Alone { get; set; }

        /// <summary>A <see cref="ConsoleLogging.LevelNames"/> entry, or null for no logging.</summary>
        public string? LogLevel { get; set; }

        /// <summary>Builds the runtime options.</summary>
        /// <exception cref="DsnCommandException">DsnNetworkKeyInvalid, DsnEndpointInvalid.</exception>
        /// <exception cref="System.IO.FileNotFoundException">The key file does not exist.</exception>
        public DsnNodeOptions ToOptions()
        {
            var options = new DsnNodeOptions
            {
                NodeId = NodeId,
                Port = Port,
                NetworkKey = LoadKey(),
                IdentityPath = IdentityPath,
                RetryJoinInBackground = Alone,
            };
            if (BindAddress is not null) options.BindAddress = BindAddress;
            foreach (var endpoint in EndpointList.Parse(Bootstrap))
                options.BootstrapNodes.Add(endpoint);
            return options;
        }

        private DsnNetworkKey LoadKey()
        {
            if (Key is null && KeyPath is null)
                throw new DsnCommandException("DsnNetworkKeyMissing", DsnErrorCategory.InvalidArgument,
                    "A network key is required: pass -KeyPath with a file made by New-DsnKey, or -Key with its text.");
            try
            {
                return Key is not null ? DsnNetworkKey.Parse(Key) : DsnNetworkKey.Load(KeyPath!);
            }
            catch (ArgumentException ex)
            {
                throw new DsnCommandException("DsnNetworkKeyInvalid", DsnErrorCategory.InvalidData, ex.Message, (object?)KeyPath ?? "-Key", ex);
            }
        }
    }
}
