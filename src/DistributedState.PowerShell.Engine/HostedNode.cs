namespace DistributedState.PowerShell.Engine
{
    /// <summary>A node this session started.</summary>
    public sealed class HostedNode
    {
        internal HostedNode(DsnNode node)
        {
            Node = node;
        }

        /// <summary>The node.</summary>
        public DsnNode Node { get; }
    }
}
