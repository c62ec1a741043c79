namespace DistributedState.PowerShell.Engine
{
    /// <summary>A node this process hosts, and the session that started it.</summary>
    public sealed class HostedNode
    {
        internal HostedNode(DsnNode node, object owner)
        {
            Node = node;
            Owner = owner;
        }

        /// <summary>The node.</summary>
        public DsnNode Node { get; }

        /// <summary>The session that started it (in PowerShell, its runspace); its nodes stop when it closes.</summary>
        public object Owner { get; }
    }
}
