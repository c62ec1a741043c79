using System;
using System.Collections.Generic;

namespace DistributedState
{
    /// <summary>Whom <see cref="DsnNode.QueryAsync"/> asks and how long it listens.</summary>
    public sealed class DsnQueryOptions
    {
        /// <summary>The members to ask, by NodeId; empty (the default): every member, this node included.</summary>
        public IList<string> Targets { get; } = new List<string>();

        /// <summary>How long to collect answers (0.01 s to 5 min). Default 2 s; the query ends sooner once every target answered.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
    }
}
