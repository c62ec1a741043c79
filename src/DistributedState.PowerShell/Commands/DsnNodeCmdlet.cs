using System.Management.Automation;

namespace DistributedState.PowerShell
{
    /// <summary>A cmdlet that works through one node: -Node, or the session's default node.</summary>
    public abstract class DsnNodeCmdlet : DsnCmdlet
    {
        /// <summary>The node to work with; default: the last started node still running.</summary>
        [Parameter]
        public DsnNode? Node { get; set; }

        /// <summary>The node to work with (terminating DsnNoNodeRunning/DsnNodeStopped error if there is none).</summary>
        protected DsnNode TargetNode() => ResolveNode(Node);
    }
}
