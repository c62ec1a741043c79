using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The test networks (<see cref="DsnTestNetwork"/>) each session started with New-DsnTestNetwork. Their nodes are
    /// the session's nodes too (<see cref="SessionNodes"/>): Get-DsnPeer, Set-DsnData and the others work on them, the
    /// last one started becomes the default node, and they stop when the session closes. The fault cmdlets use the
    /// network named with -Network, else the session's latest one.
    /// </summary>
    public static class TestNetworks
    {
        private static readonly object Gate = new object();
        private static readonly List<(DsnTestNetwork Network, object Owner)> Networks = new List<(DsnTestNetwork, object)>();

        /// <summary>Starts a network and registers its nodes with the session.</summary>
        /// <exception cref="DsnCommandException">DsnNodeAlreadyRunning (a NodeId the session already runs), DsnLogLevelInvalid.</exception>
        public static async Task<DsnTestNetwork> StartAsync(object owner, DsnTestNetworkOptions options, string? logLevel, CancellationToken cancellationToken)
        {
            if (owner is null) throw new ArgumentNullException(nameof(owner));
            if (options is null) throw new ArgumentNullException(nameof(options));
            for (var i = 1; i <= options.Count; i++)
                SessionNodes.Registry.EnsureAvailable(options.NodeIdPrefix + i, owner);
            var network = await DsnTestNetwork.StartAsync(options, ConsoleLogging.Create(logLevel), cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var node in network.Nodes)
                    SessionNodes.Registry.Add(new HostedNode(node, owner));
            }
            catch
            {
                Forget(network);
                await network.StopAsync().ConfigureAwait(false);
                throw;
            }

            lock (Gate)
                Networks.Add((network, owner));
            return network;
        }

        /// <summary>The given network, or the session's latest.</summary>
        /// <exception cref="DsnCommandException">DsnNoTestNetwork: none given and the session has none.</exception>
        public static DsnTestNetwork Resolve(object owner, DsnTestNetwork? network)
        {
            if (network is not null) return network;
            lock (Gate)
                return Networks.LastOrDefault(n => ReferenceEquals(n.Owner, owner)).Network
                    ?? throw new DsnCommandException("DsnNoTestNetwork", DsnErrorCategory.ResourceUnavailable,
                        "This session has no test network. Start one with New-DsnTestNetwork, or pass one with -Network.");
        }

        /// <summary>Stops a network's nodes and forgets it and them.</summary>
        public static Task StopAsync(DsnTestNetwork network)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            Forget(network);
            return network.StopAsync();
        }

        /// <summary>Stops the networks one session started: it is closing, or it removed the module. Never throws.</summary>
        public static void StopOwnedBy(object owner, TimeSpan timeoutPerNetwork)
        {
            List<DsnTestNetwork> owned;
            lock (Gate)
                owned = Networks.Where(n => ReferenceEquals(n.Owner, owner)).Select(n => n.Network).ToList();
            foreach (var network in owned)
            {
                try
                {
                    StopAsync(network).Wait(timeoutPerNetwork);
                }
                catch (Exception)
                {
                    // Best effort, as for the session's nodes: one network failing to stop must not keep the others.
                }
            }
        }

        private static void Forget(DsnTestNetwork network)
        {
            lock (Gate)
                Networks.RemoveAll(n => ReferenceEquals(n.Network, network));
            foreach (var hosted in SessionNodes.Registry.All.Where(h => network.Nodes.Contains(h.Node)))
                SessionNodes.Registry.Remove(hosted);
        }
    }
}
