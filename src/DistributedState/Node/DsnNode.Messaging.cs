using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Transport;

namespace DistributedState
{
    // Direct messages: bytes for one member, acknowledged by the receiving node.
    public sealed partial class DsnNode
    {
        private readonly Dictionary<ulong, (PeerSession Session, TaskCompletionSource<bool> Acked)> _pendingSends =
            new Dictionary<ulong, (PeerSession, TaskCompletionSource<bool>)>();
        private long _nextMessageId;

        /// <summary>
        /// Sends bytes to one member and waits for its acknowledgement. Sending to this node's own NodeId raises
        /// <see cref="DataReceived"/> locally.
        /// </summary>
        /// <exception cref="ArgumentNullException">The NodeId or the data is null.</exception>
        /// <exception cref="DsnNodeNotFoundException">No such member is known.</exception>
        /// <exception cref="DsnPeerUnavailableException">The member failed, left, or did not acknowledge in time.</exception>
        /// <exception cref="DsnMessageTooLargeException">The data is larger than <see cref="DsnNodeOptions.MaxMessageBytes"/>.</exception>
        /// <exception cref="InvalidOperationException">This node has stopped.</exception>
        public async Task SendAsync(string nodeId, byte[] data, CancellationToken cancellationToken = default)
        {
            if (nodeId is null)
                throw new ArgumentNullException(nameof(nodeId));
            if (data is null)
                throw new ArgumentNullException(nameof(data));
            EnsureRunning();
            if (data.Length > _options.MaxMessageBytes)
                throw new DsnMessageTooLargeException(data.Length, _options.MaxMessageBytes);
            if (nodeId == NodeId)
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

            var messageId = (ulong)Interlocked.Increment(ref _nextMessageId);
            var acked = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
                _pendingSends[messageId] = (session, acked);
            try
            {
                if (!session.Send(new DirectMessage(messageId, data)))
                    throw new DsnPeerUnavailableException(nodeId, status, "the connection closed");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.SendTimeout);
                var finished = await Task.WhenAny(acked.Task, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
                if (finished != acked.Task)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new DsnPeerUnavailableException(nodeId, status, $"no acknowledgement within {_options.SendTimeout.TotalSeconds:0.###} s");
                }

                await acked.Task.ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
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
            lock (_gate)
            {
                // Only the addressee may acknowledge: message ids are easy to guess.
                if (_pendingSends.TryGetValue(ack.MessageId, out var pending) && pending.Session.PeerId == session.PeerId)
                    pending.Acked.TrySetResult(true);
                else
                    _counters.Add("messages.rejected.foreign_ack");
            }
        }

        private void FailPendingSends(PeerSession session)
        {
            lock (_gate)
            {
                foreach (var pending in _pendingSends.Values)
                {
                    if (pending.Session == session)
                        pending.Acked.TrySetException(new DsnPeerUnavailableException(session.PeerId, DsnPeerStatus.Alive,
                            "the connection closed before the acknowledgement: " + session.CloseReason));
                }
            }
        }

        private void FailPendingSends(string reason)
        {
            lock (_gate)
            {
                foreach (var pending in _pendingSends.Values)
                    pending.Acked.TrySetException(new InvalidOperationException(reason));
            }
        }
    }
}
