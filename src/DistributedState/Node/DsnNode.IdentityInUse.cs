using System;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Membership;
using DistributedState.Protocol;
using DistributedState.Sessions;

namespace DistributedState
{
    // Two live processes with one identity (a copied identity file): each run signs its alive records with its own
    // RunIdentity, so a record of this identity from another run is either an earlier run of this node (outbid, as
    // always) or another live process, which IdentityClash tells apart. Of two live ones the newer stops with
    // DsnIdentityInUseException; the older warns and keeps running. See docs/protocol.md, "Identity in use".
    public sealed partial class DsnNode
    {
        private readonly IdentityClash _clash = new IdentityClash(RunIdentity.StartingAt(DateTimeOffset.UtcNow));

        /// <summary>Set once, under <c>_gate</c>, when this node stops because an older process holds its identity.</summary>
        private DsnIdentityInUseException? _identityInUse;

        /// <summary>
        /// Why the node stopped by itself: a <see cref="DsnIdentityInUseException"/> when another live process uses its
        /// identity and started first (a new, unthrown exception at each read). Null while it runs, and when it was stopped
        /// by its owner or failed to start otherwise.
        /// </summary>
        public DsnNodeStoppedException? StopReason => IdentityInUseError();

        /// <summary>Signs this run's alive record at the current incarnation; call under <c>_gate</c>.</summary>
        private AliveRecord SignSelfAlive() => AliveRecord.Create(_identity, NodeId, _incarnation, _advertised!.Host, _advertised.Port, _clash.Own);

        /// <summary>The error an API call on the stopped node throws: the reason it stopped itself, if any.</summary>
        private DsnNodeStoppedException StoppedError(string message) => IdentityInUseError() ?? new DsnNodeStoppedException(NodeId, message);

        /// <summary>Start fails with the clash when it was found during the join.</summary>
        private void ThrowIfIdentityInUse()
        {
            if (IdentityInUseError() is { } error)
                throw error;
        }

        /// <summary>A new exception (each throw gets its own stack trace) for the clash this node stopped for, or null.</summary>
        private DsnIdentityInUseException? IdentityInUseError() => Volatile.Read(ref _identityInUse) is { } clash
            ? new DsnIdentityInUseException(clash.NodeId, clash.OtherEndPoint, clash.OtherStarted, clash.Started)
            : null;

        /// <summary>
        /// Under <c>_gate</c>: an alive record signed with this node's key outbid its incarnation. Returns why to refute
        /// it, or null when this node yields to an older live process instead.
        /// </summary>
        private string? ConsiderOutbiddingRun(AliveRecord record)
        {
            const string EarlierRun = "an earlier run of this node had a higher incarnation";
            if (_identityInUse is not null)
                return null;
            if (EndpointOf(record) is not { } endpoint)
                return EarlierRun; // no process can be reached there: no evidence either way
            var verdict = _clash.Outbid(record.Run, MonotonicMs, out var verify);
            if (verify)
            {
                // A live process there proves itself in the handshake (see RefuseOwnIdentity); an earlier run's endpoint
                // refuses, or belongs to someone else by now.
                _ = Task.Run(() => CheckForOtherRunAsync(endpoint));
            }

            if (Act(verdict, record, endpoint, "its records outbid this node's again and again") == ClashVerdict.ThisRunStops)
                return null;
            return _clash.IsKnownClash(record.Run) ? $"another live process with this node's identity, at {endpoint}, outbid it" : EarlierRun;
        }

        /// <summary>The endpoint a record names, or null if none can be dialled (only a holder of this node's key could sign such a record).</summary>
        private static DsnEndpoint? EndpointOf(AliveRecord record) =>
            string.IsNullOrWhiteSpace(record.Host) || record.Port < 1 || record.Port > 65535 ? null : new DsnEndpoint(record.Host, record.Port);

        /// <summary>
        /// A handshake peer presented this node's own NodeId and key. The same run is this node itself (an endpoint
        /// that leads back here); another run is a live process holding the identity right now: it signed this
        /// handshake's fresh transcript. Returns the refusal to throw.
        /// </summary>
        private HandshakeException RefuseOwnIdentity(AliveRecord record)
        {
            if (record.Run.Equals(_clash.Own))
                return new HandshakeException("handshake.self", "the endpoint is this node itself");
            var endpoint = EndpointOf(record);
            lock (_gate)
            {
                if (endpoint is not null
                    && Act(_clash.ProvenAlive(record.Run, MonotonicMs), record, endpoint, "it completed a handshake with this node's key") != ClashVerdict.ThisRunStops
                    && record.Incarnation > _incarnation && _identityInUse is null)
                    Refute(record.Incarnation, $"another live process with this node's identity, at {endpoint}, outbid it");
            }

            return new HandshakeException("handshake.identity_in_use",
                $"the peer is another live process with this node's identity (NodeId '{NodeId}' and its key), {record.Run}");
        }

        /// <summary>Under <c>_gate</c>: acts on a verdict about another run of this identity.</summary>
        private ClashVerdict Act(ClashVerdict verdict, AliveRecord other, DsnEndpoint endpoint, string evidence)
        {
            switch (verdict)
            {
                case ClashVerdict.ThisRunStops:
                    var error = new DsnIdentityInUseException(NodeId, endpoint, other.Run.Started, _clash.Own.Started);
                    Volatile.Write(ref _identityInUse, error);
                    _counters.Add("identity.in_use");
                    // The entry carries the error, whose message says what to do.
                    _logger.LogError(error, "Node {Node} stops: another live process at {EndPoint} uses its identity and started first ({Evidence}).",
                        NodeId, endpoint, evidence);
                    // No leave and no writes go out: the member of this name is the other process. Off the lock and
                    // off this thread, since stopping waits for the loops that may be calling here.
                    _ = Task.Run(() => ShutdownAsync(graceful: false));
                    break;
                case ClashVerdict.OtherRunStops:
                    _counters.Add("identity.in_use");
                    _logger.LogWarning("Another live process at {EndPoint} uses the identity of node {Node} (the same NodeId and identity key; was the identity file copied?) "
                        + "and started after this one ({Other}; this node: {Own}). It stops itself with DsnIdentityInUse; this node keeps running. ({Evidence}.) "
                        + "Give each machine its own NodeId and identity file.", endpoint, NodeId, other.Run, _clash.Own, evidence);
                    break;
            }

            return verdict;
        }

        /// <summary>Dials the endpoint of a run that outbid this node: a live process there proves itself in the handshake.</summary>
        private async Task CheckForOtherRunAsync(DsnEndpoint endpoint)
        {
            try
            {
                var session = await ConnectAsync(endpoint, expectedNodeId: NodeId, _stopping.Token).ConfigureAwait(false);
                session.Close("not the expected process"); // unreachable: admission refuses this node's own NodeId
            }
            catch (Exception error)
            {
                _logger.LogDebug("Looked for another process with this node's identity at {EndPoint}: {Reason}", endpoint, error.Message);
            }
        }
    }
}
