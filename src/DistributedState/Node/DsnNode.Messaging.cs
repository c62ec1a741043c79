using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Transport;

namespace DistributedState
{
    // Direct messages: bytes for one member, acknowledged by the receiving node.
    public sealed partial class DsnNode
    {
        /// <summary>Sends waiting for their acknowledgement, each bound to the session it went out on.</summary>
        private readonly PendingReplies<ulong, string> _pendingSends = new PendingReplies<ulong, string>(UnguessableIds.NextUInt64);

        /// <summary>
        /// Sends bytes to one member and waits for its acknowledgement. Sending to this node's own NodeId raises
        /// <see cref="DataReceived"/> locally.
        /// </summary>
        /// <exception cref="ArgumentNullException">The NodeId or the data is null.</exception>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        /// <exception cref="DsnPeerUnavailableException">The member failed, left, or did not acknowledge in time.</exception>
        /// <exception cref="DsnMessageTooLargeException">The data is larger than <see cref="DsnNodeOptions.MaxMessageBytes"/>.</exception>
        /// <exception cref="DsnNodeStoppedException">This node has stopped.</exception>
        public async Task SendAsync(string nodeId, byte[] data, CancellationToken cancellationToken = default)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            if (data is null)
                throw new ArgumentNullException(nameof(data));
            EnsureRunning();
            if (data.Length > _options.MaxMessageBytes)
                throw new DsnMessageTooLargeException(data.Length, _options.MaxMessageBytes);
            if (NameRules.SameNodeId(nodeId, NodeId))
            {
                RaiseDataReceived(NodeId, (byte[])data.Clone());
                return;
            }

            DsnEndpoint endpoint;
            DsnPeerStatus status;
            lock (_gate)
            {
                if (!_members.TryGet(nodeId, out var member))
                    throw new DsnNodeNotFoundException(nodeId);
                status = member.Status;
                if (member.IsDeparted)
                    throw new DsnPeerUnavailableException(nodeId, status, status == DsnPeerStatus.Left ? "it has left the network" : "it has failed");
                endpoint = member.EndPoint;
            }

            PeerSession session;
            try
            {
                session = await GetOrDialAsync(nodeId, endpoint).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                throw new DsnPeerUnavailableException(nodeId, status, "could not connect: " + error.Message, error);
            }

            var (messageId, acked) = _pendingSends.Start(session, nodeId);
            try
            {
                if (!session.Send(new DirectMessage(messageId, data)))
                    throw new DsnPeerUnavailableException(nodeId, status, "the connection closed");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.SendTimeout);
                var finished = await Task.WhenAny(acked, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
                if (finished != acked)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new DsnPeerUnavailableException(nodeId, status, $"no acknowledgement within {_options.SendTimeout.TotalSeconds:0.###} s");
                }

                await acked.ConfigureAwait(false);
            }
            finally
            {
                _pendingSends.Remove(messageId);
            }
        }

        private void HandleDirect(PeerSession session, DirectMessage message)
        {
            RaiseDataReceived(session.PeerId, message.Payload);
            session.Send(new DirectAckMessage(message.MessageId));
        }

        private void HandleDirectAck(PeerSession session, DirectAckMessage ack)
        {
            // Only the session the message went out on may acknowledge it.
            if (!_pendingSends.TryComplete(ack.MessageId, session, out _))
                _counters.Add("messages.rejected.foreign_ack");
        }

        private void FailPendingSends(PeerSession session) =>
            _pendingSends.Fail(responder => responder == session, () => new DsnPeerUnavailableException(session.PeerId, DsnPeerStatus.Alive,
                "the connection closed before the acknowledgement: " + session.CloseReason));

        private void FailPendingSends(string reason) => _pendingSends.FailAll(StoppedError(reason));
    }
}
