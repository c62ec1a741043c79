using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Membership;
using DistributedState.Logging;

namespace DistributedState
{
    // Finding the network again: the bootstrap list, then the members remembered from the last run, tried at start
    // and then in the background for the life of the node (a full outage; islands left by a partition).
    public sealed partial class DsnNode
    {
        /// <summary>Set at start (before any loop runs): the bootstrap list and the remembered members.</summary>
        private RejoinTargets? _rejoin;

        /// <summary>Endpoints being reached now (under <c>_gate</c>): one attempt at a time each, so failures are counted once.</summary>
        private readonly HashSet<DsnEndpoint> _reaching = new HashSet<DsnEndpoint>();

        /// <summary>
        /// While this node has no peer, tries every bootstrap and remembered endpoint in turn, waiting twice as long after
        /// each fruitless round (up to <see cref="RejoinTargets.MaxBackoffFactor"/> retry intervals); while it has peers,
        /// dials, every retry interval, those endpoints that lead to no member it holds as alive (a failing one at the
        /// pace of <see cref="DialBackoff"/>), so an island that shares any of them with another merges with it.
        /// </summary>
        private async Task RejoinLoopAsync(CancellationToken token)
        {
            var interval = _options.RetryJoinInterval;
            var wait = interval;
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(wait, token).ConfigureAwait(false);
                await WhenThawed().ConfigureAwait(false);
                bool alone;
                List<DsnEndpoint> outside;
                var now = MonotonicMs;
                lock (_gate)
                {
                    alone = _sessions.PeerCount == 0;
                    outside = OutsideIsland();
                }

                if (alone)
                {
                    var met = outside.Count > 0 && await JoinAnyAsync(outside, token).ConfigureAwait(false) is null;
                    wait = met ? interval : RejoinTargets.NextWait(wait, interval);
                    continue;
                }

                wait = interval;
                foreach (var endpoint in outside.Where(e => _dialBackoff.MayDial(e, now)))
                {
                    lock (_gate)
                    {
                        if (!_reaching.Add(endpoint))
                            continue;
                    }

                    _ = ReachOutAsync(endpoint, token);
                }
            }
        }

        /// <summary>Under <c>_gate</c>: the rejoin endpoints that lead to no member held as Alive or Suspect.</summary>
        private List<DsnEndpoint> OutsideIsland()
        {
            RequireGate();
            var island = _members.All.Where(m => m.Status == DsnPeerStatus.Alive || m.Status == DsnPeerStatus.Suspect).ToList();
            var ids = new HashSet<string>(island.Select(m => m.NodeId), Internal.NameRules.NodeIdComparer);
            var endpoints = new HashSet<DsnEndpoint>(island.Select(m => m.EndPoint));
            return _rejoin!.Outside(ids.Contains, endpoints);
        }

        /// <summary>Connects to an endpoint outside this node's island and exchanges digests, so both sides learn each other's members.</summary>
        private async Task ReachOutAsync(DsnEndpoint endpoint, CancellationToken token)
        {
            string? problem;
            try
            {
                problem = await TryJoinThroughAsync(endpoint, token).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                    _reaching.Remove(endpoint);
            }

            if (problem is null)
            {
                _dialBackoff.Succeeded(endpoint);
                _counters.Add("rejoin.reached");
                _logger.LogInformation("Node {Node} reached {EndPoint}, outside the members it was connected to.", NodeId, endpoint);
                ConnectToEveryone();
            }
            else
            {
                _dialBackoff.Failed(endpoint, MonotonicMs);
                _logger.LogDebug("Could not reach {EndPoint}: {Reason}", endpoint, problem);
            }
        }
    }
}
