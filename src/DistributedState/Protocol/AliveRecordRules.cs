using DistributedState.Internal;

namespace DistributedState.Protocol
{
    /// <summary>
    /// What a member may state about itself in an <see cref="AliveRecord"/>: a valid NodeId (<see cref="NameRules.NodeIdProblem"/>)
    /// and an endpoint this node may dial (<see cref="EndpointRules.AdvertisedProblem"/>). The same check for the record a
    /// peer presents in its handshake and for every record gossip brings, so nothing reaches the member table, the API or
    /// the log that a handshake would have refused. The signature is checked separately (it is the expensive part).
    /// </summary>
    internal static class AliveRecordRules
    {
        /// <summary>Null when acceptable; otherwise the statistics counter to raise and why, safe to log.</summary>
        /// <param name="record">The record.</param>
        /// <param name="heardFrom">The remote address of the connection it came on (<c>ip:port</c>).</param>
        public static (string Counter, string Reason)? Problem(AliveRecord record, string? heardFrom)
        {
            var nodeIdProblem = NameRules.NodeIdProblem(record.NodeId);
            if (nodeIdProblem is not null)
                return ("members.rejected.invalid_node_id", nodeIdProblem);
            var endpointProblem = EndpointRules.AdvertisedProblem(record.Host, record.Port, heardFrom);
            if (endpointProblem is not null)
                return ("members.rejected.invalid_endpoint", $"'{record.NodeId}' advertises an endpoint this node may not dial: {endpointProblem}");
            return null;
        }
    }
}
