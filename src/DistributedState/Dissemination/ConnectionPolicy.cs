using System;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// The shape of the connection graph news travels over: a full mesh while the network fits in the connection cap,
    /// beyond it a bounded random graph. Pure functions of their arguments, so the node and the benchmarks'
    /// virtual-time simulation follow the very same rules (as with <see cref="RelayPolicy"/>).
    /// </summary>
    internal static class ConnectionPolicy
    {
        /// <summary>Beyond the full mesh, one probe in this many goes to a member the prober is not connected to.</summary>
        public const int UnconnectedProbeEvery = 8;

        /// <summary>True when there are more live members than a node may connect to.</summary>
        /// <param name="liveOtherMembers">Members that have not departed, this node excluded.</param>
        /// <param name="maxConnections">The connection cap.</param>
        public static bool BeyondFullMesh(int liveOtherMembers, int maxConnections) => liveOtherMembers > maxConnections;

        /// <summary>
        /// How many peers a node dials up to: the cap while the network fits in it (a full mesh); beyond it three
        /// quarters of the cap, so connections others open have room before anyone must shed. Dialling up to the cap
        /// itself would never settle: every connection shed to make room leaves a node below the cap that dials a member
        /// at the cap, which sheds another.
        /// </summary>
        public static int DialTarget(int liveOtherMembers, int maxConnections) =>
            BeyondFullMesh(liveOtherMembers, maxConnections) ? Math.Max(1, maxConnections * 3 / 4) : maxConnections;
    }
}
