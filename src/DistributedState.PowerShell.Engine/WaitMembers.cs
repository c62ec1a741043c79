using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The members a Wait-* command waits for, from the NodeIds given: a literal NodeId is waited for even before it
    /// is known (it may not have joined yet); a wildcard stands for the matching members that count for the wait
    /// (live ones: a departed member does not change any more). A wildcard that matches none yet waits until one
    /// joins, so <c>Wait-DsnData web* status</c> also works in a script that starts before the web servers.
    /// </summary>
    public static class WaitMembers
    {
        /// <summary>Alive or Suspect: a member that may still change its state or status.</summary>
        public static bool IsLive(DsnPeer peer) =>
            peer is not null && (peer.Status == DsnPeerStatus.Alive || peer.Status == DsnPeerStatus.Suspect);

        /// <summary>Resolves the names against the members known now.</summary>
        /// <param name="names">NodeIds or wildcard patterns.</param>
        /// <param name="peers">The members the waiting node knows.</param>
        /// <param name="counts">Whether a member a wildcard matches is waited for.</param>
        /// <param name="unmatched">The wildcard patterns that match no member that counts.</param>
        /// <returns>The NodeIds, each once, in the order of the names (a wildcard's members sorted by NodeId).</returns>
        /// <exception cref="DsnCommandException">DsnPatternInvalid.</exception>
        public static IReadOnlyList<string> Match(IEnumerable<string> names, IEnumerable<DsnPeer> peers, Func<DsnPeer, bool> counts,
            out IReadOnlyList<string> unmatched)
        {
            if (names is null) throw new ArgumentNullException(nameof(names));
            if (counts is null) throw new ArgumentNullException(nameof(counts));
            var candidates = peers.Where(counts).Select(p => p.NodeId).OrderBy(id => id, DsnNames.NodeIdComparer).ToList();
            var ids = new List<string>();
            var empty = new List<string>();
            foreach (var pattern in names.Select(NamePattern.Parse))
            {
                if (!pattern.IsWildcard)
                {
                    ids.Add(pattern.Literal);
                    continue;
                }

                var matches = candidates.Where(pattern.IsMatch).ToList();
                if (matches.Count == 0) empty.Add(pattern.Text);
                ids.AddRange(matches);
            }

            unmatched = empty;
            return ids.Distinct(DsnNames.NodeIdComparer).ToList();
        }

        /// <summary>
        /// Resolves the names, waiting (with <see cref="DsnNode.WaitForPeersAsync"/>, not by polling) while a wildcard
        /// matches no member that counts.
        /// </summary>
        /// <exception cref="DsnCommandException">DsnWaitTimeout: a wildcard still matched nothing; DsnPatternInvalid.</exception>
        public static async Task<IReadOnlyList<string>> ResolveAsync(DsnNode node, IReadOnlyList<string> names, Func<DsnPeer, bool> counts,
            TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (node is null) throw new ArgumentNullException(nameof(node));
            var ids = Match(names, Array.Empty<DsnPeer>(), counts, out var unmatched);
            if (unmatched.Count == 0) return ids;
            try
            {
                var peers = await node.WaitForPeersAsync(p => { Match(names, p, counts, out var missing); return missing.Count == 0; },
                    timeout, cancellationToken).ConfigureAwait(false);
                return Match(names, peers, counts, out _);
            }
            catch (TimeoutException)
            {
                var peers = node.GetPeers();
                Match(names, peers, counts, out unmatched);
                throw NoMatch(node, unmatched, peers, timeout);
            }
        }

        private static DsnCommandException NoMatch(DsnNode node, IReadOnlyList<string> patterns, IReadOnlyList<DsnPeer> peers, TimeSpan timeout)
        {
            var known = peers.Count == 0 ? "none" : string.Join(", ", peers.Select(p => $"{p.NodeId} ({p.Status})"));
            return new DsnCommandException("DsnWaitTimeout", DsnErrorCategory.OperationTimeout,
                $"Timed out after {NodeWaits.Seconds(timeout)} waiting for a live member matching {string.Join(", ", patterns.Select(p => $"'{p}'"))} as seen by '{node.NodeId}'; known members: {known}.",
                patterns.Count == 1 ? (object)patterns[0] : patterns.ToArray());
        }
    }
}
