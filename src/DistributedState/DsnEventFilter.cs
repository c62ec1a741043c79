using System;

namespace DistributedState
{
    /// <summary>
    /// Which events a <see cref="DsnEventSubscription"/> receives. The tests run on the node before an event is queued,
    /// so what does not match costs no allocation, no queue slot and no handler call. Unset tests match everything.
    /// </summary>
    public sealed class DsnEventFilter
    {
        /// <summary>The kinds of event to receive. Default: all.</summary>
        public DsnEventKinds Kinds { get; set; } = DsnEventKinds.All;

        /// <summary>
        /// Which members' events to receive, by NodeId: the owner of a changed key, the member that joined or changed
        /// status, the sender of a direct message. Null: every member.
        /// </summary>
        public Func<string, bool>? NodeIdMatches { get; set; }

        /// <summary>Which keys' <see cref="DsnNode.StateChanged"/> events to receive. Null: every key. Other kinds have no key.</summary>
        public Func<string, bool>? KeyMatches { get; set; }

        internal bool Matches(DsnEventKinds kind, string nodeId, string? key) =>
            (Kinds & kind) != 0
            && (NodeIdMatches is null || NodeIdMatches(nodeId))
            && (key is null || KeyMatches is null || KeyMatches(key));

        internal DsnEventFilter Copy() => new DsnEventFilter { Kinds = Kinds, NodeIdMatches = NodeIdMatches, KeyMatches = KeyMatches };
    }
}
