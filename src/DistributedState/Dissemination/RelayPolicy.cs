using System;
using System.Collections.Generic;

namespace DistributedState.Dissemination
{
    /// <summary>
    /// How far news (a write batch, a membership statement) travels beyond its originator's own connections: the
    /// relay budget the originator gives it, how many peers each receiver forwards it to, and which ones. Pure
    /// functions of their arguments, so the node and the benchmarks' virtual-time simulation of thousands of nodes
    /// run the very same decisions.
    /// </summary>
    internal static class RelayPolicy
    {
        /// <summary>
        /// The most hops news is relayed. With the fanout below, a push reaches 10,000 nodes in 5 or 6 hops (the
        /// virtual-time rows of the scale benchmark), so 8 leaves room; more would only prolong an epidemic that by then
        /// delivers mostly duplicates.
        /// </summary>
        public const byte MaxInitialBudget = 8;

        /// <summary>The fewest peers a receiver forwards news to: below three, a small network's epidemic dies too often.</summary>
        public const int MinFanout = 3;

        /// <summary>
        /// The relay budget of news this node originates: zero when it is connected to every live member (its own push
        /// reaches everyone), otherwise ceil(log2(live + 1)) hops, at most <see cref="MaxInitialBudget"/>: enough
        /// for an epidemic to cover the network with high probability.
        /// </summary>
        /// <param name="liveOtherMembers">Members that have not departed, this node excluded.</param>
        /// <param name="connectedPeers">Peers this node holds a session with.</param>
        public static byte InitialBudget(int liveOtherMembers, int connectedPeers)
        {
            if (connectedPeers >= liveOtherMembers)
                return 0;
            return (byte)Math.Min(MaxInitialBudget, Math.Ceiling(Math.Log(liveOtherMembers + 1, 2)));
        }

        /// <summary>
        /// How many peers a receiver forwards news to while its budget lasts: max(3, ceil(ln(members + 1))). With a
        /// fanout of ln n a push epidemic misses about n·e^-fanout ≤ 1 node per update, left to anti-entropy, while
        /// the frames per node per update grow only as ln n.
        /// </summary>
        /// <param name="memberCount">Every member this node knows, itself included.</param>
        public static int Fanout(int memberCount) => Math.Max(MinFanout, (int)Math.Ceiling(Math.Log(memberCount + 1)));

        /// <summary>
        /// Puts into <paramref name="targets"/> (cleared first) up to <paramref name="fanout"/> peers chosen uniformly at
        /// random from <paramref name="connectedPeers"/>, never <paramref name="cameFrom"/>: it holds the news already.
        /// When fewer peers are left than the fanout, all of them.
        /// </summary>
        /// <param name="connectedPeers">Distinct peers; read twice, not copied.</param>
        /// <param name="cameFrom">The peer the news arrived from.</param>
        /// <param name="fanout">See <see cref="Fanout"/>.</param>
        /// <param name="random">The caller's source of randomness (not thread-safe: the caller serialises).</param>
        /// <param name="targets">Filled with the chosen peers, in the order of <paramref name="connectedPeers"/>.</param>
        public static void ChooseTargets<T>(IReadOnlyCollection<T> connectedPeers, T cameFrom, int fanout, Random random, List<T> targets)
        {
            targets.Clear();
            var comparer = EqualityComparer<T>.Default;
            var candidates = 0;
            foreach (var peer in connectedPeers)
            {
                if (!comparer.Equals(peer, cameFrom))
                    candidates++;
            }

            // Selection sampling (Knuth's algorithm S): each candidate is taken with probability still-needed /
            // still-unseen, which yields every subset of the wanted size with equal probability in one pass, without
            // copying the peers — the simulation calls this millions of times.
            var needed = Math.Min(fanout, candidates);
            foreach (var peer in connectedPeers)
            {
                if (needed == 0)
                    break;
                if (comparer.Equals(peer, cameFrom))
                    continue;
                if (random.Next(candidates) < needed)
                {
                    targets.Add(peer);
                    needed--;
                }

                candidates--;
            }
        }
    }
}
