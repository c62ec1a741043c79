using System.Management.Automation;
using DistributedState.PowerShell.Engine;

namespace DistributedState.PowerShell
{
    /// <summary>A cmdlet that works on a test network: -Network, or the session's latest one.</summary>
    public abstract class DsnTestNetworkCmdlet : DsnCmdlet
    {
        /// <summary>The test network; default: the one this session started last.</summary>
        [Parameter(ValueFromPipeline = true)]
        public DsnTestNetwork? Network { get; set; }

        /// <summary>The network to work on (terminating DsnNoTestNetwork error if there is none).</summary>
        protected DsnTestNetwork TargetNetwork() => ForCommand(null, () => TestNetworks.Resolve(SessionNodes.CurrentOwner, Network));
    }
}
