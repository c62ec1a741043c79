using System;
using System.Collections.Generic;

namespace DistributedState.Membership
{
    /// <summary>
    /// The endpoints a node tries when it looks for its network again: its bootstrap list, then the members it
    /// remembered from its last run (<see cref="DsnNodeOptions.DataPath"/>), each at most once, leaving out those that
    /// lead to a member it already holds as Alive or Suspect (it is in this node's island already) — recognised by the
    /// member's advertised endpoint, by the NodeId remembered for the endpoint, or by the NodeId found there when it was
    /// last reached. What is left are the ways into other islands. Also the wait between rounds while the node is alone:
    /// doubling from the retry interval up to eight times it. Pure, except for <see cref="NoteReached"/>; not
    /// thread-safe (the node calls it under its lock).
    /// </summary>
    internal sealed class RejoinTargets
    {
        /// <summary>The longest wait between rounds while alone, in retry intervals.</summary>
        public const int MaxBackoffFactor = 8;

        private readonly List<(DsnEndpoint EndPoint, string? NodeId)> _known = new List<(DsnEndpoint, string?)>();
        private readonly Dictionary<DsnEndpoint, string> _foundAt = new Dictionary<DsnEndpoint, string>();

        /// <param name="bootstrap">The bootstrap list, in order.</param>
        /// <param name="remembered">NodeId and endpoint of the members remembered from the last run.</param>
        /// <param name="isSelf">Whether an endpoint is this node's own.</param>
        public RejoinTargets(IEnumerable<DsnEndpoint> bootstrap, IEnumerable<KeyValuePair<string, DsnEndpoint>> remembered, Func<DsnEndpoint, bool> isSelf)
        {
            var seen = new HashSet<DsnEndpoint>();
            foreach (var endpoint in bootstrap)
            {
                if (!isSelf(endpoint) && seen.Add(endpoint))
                    _known.Add((endpoint, null));
            }

            foreach (var member in remembered)
            {
                if (!isSelf(member.Value) && seen.Add(member.Value))
                    _known.Add((member.Value, member.Key));
            }
        }

        /// <summary>True when there is nowhere to look: no bootstrap list and nothing remembered.</summary>
        public bool IsEmpty => _known.Count == 0;

        /// <summary>Every endpoint, bootstrap list first.</summary>
        public IEnumerable<DsnEndpoint> All
        {
            get
            {
                foreach (var known in _known)
                    yield return known.EndPoint;
            }
        }

        /// <summary>A connection to <paramref name="endpoint"/> found <paramref name="nodeId"/> there.</summary>
        public void NoteReached(DsnEndpoint endpoint, string nodeId)
        {
            foreach (var known in _known)
            {
                if (known.EndPoint.Equals(endpoint))
                {
                    _foundAt[endpoint] = nodeId;
                    return;
                }
            }
        }

        /// <summary>The endpoints that do not lead to a member of this node's island.</summary>
        /// <param name="isInIsland">Whether a NodeId is a member this node holds as Alive or Suspect.</param>
        /// <param name="islandEndPoints">The advertised endpoints of those members.</param>
        public List<DsnEndpoint> Outside(Func<string, bool> isInIsland, ICollection<DsnEndpoint> islandEndPoints)
        {
            var result = new List<DsnEndpoint>();
            foreach (var (endpoint, nodeId) in _known)
            {
                if (islandEndPoints.Contains(endpoint) || (nodeId is not null && isInIsland(nodeId)))
                    continue;
                if (_foundAt.TryGetValue(endpoint, out var found) && isInIsland(found))
                    continue;
                result.Add(endpoint);
            }

            return result;
        }

        /// <summary>The wait before the next round while alone: twice the last, at most <see cref="MaxBackoffFactor"/> intervals.</summary>
        public static TimeSpan NextWait(TimeSpan last, TimeSpan interval) =>
            TimeSpan.FromTicks(Math.Min(Math.Max(last.Ticks, interval.Ticks) * 2, interval.Ticks * MaxBackoffFactor));
    }
}
