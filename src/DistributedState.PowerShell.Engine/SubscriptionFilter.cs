using System;
using System.Collections.Generic;
using System.Linq;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// Builds the runtime's event filter from what New-DsnSubscription was given: NodeId and key wildcards
    /// (<see cref="NamePattern"/>, the same matching as Get-DsnData) and event kinds. The patterns are compiled once
    /// here and then run on the node, before events are queued.
    /// </summary>
    public static class SubscriptionFilter
    {
        /// <summary>The filter; omitted lists match everything.</summary>
        /// <exception cref="DsnCommandException">DsnPatternInvalid: a pattern is malformed.</exception>
        public static DsnEventFilter Build(IEnumerable<string>? nodeIds, IEnumerable<string>? keys, IEnumerable<DsnEventKinds>? kinds)
        {
            var kindList = kinds?.ToList();
            return new DsnEventFilter
            {
                Kinds = kindList is null || kindList.Count == 0 ? DsnEventKinds.All : kindList.Aggregate(DsnEventKinds.None, (all, kind) => all | kind),
                NodeIdMatches = AnyOf(nodeIds),
                KeyMatches = AnyOf(keys),
            };
        }

        private static Func<string, bool>? AnyOf(IEnumerable<string>? patterns)
        {
            var parsed = patterns?.Select(NamePattern.Parse).ToArray();
            if (parsed is null || parsed.Length == 0)
                return null;
            return name =>
            {
                foreach (var pattern in parsed)
                {
                    if (pattern.IsMatch(name))
                        return true;
                }

                return false;
            };
        }
    }
}
