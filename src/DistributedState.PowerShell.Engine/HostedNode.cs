using System;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>A node this session started, with the logging it owns (disposed when the node stops).</summary>
    public sealed class HostedNode
    {
        internal HostedNode(DsnNode node, IDisposable? logging)
        {
            Node = node;
            Logging = logging;
        }

        /// <summary>The node.</summary>
        public DsnNode Node { get; }

        /// <summary>The console logger factory given to the node, or null when logging is off.</summary>
        internal IDisposable? Logging { get; }
    }
}
