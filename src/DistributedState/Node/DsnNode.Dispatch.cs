using DistributedState.Sessions;
using DistributedState.Protocol;
using DistributedState.Transport;

namespace DistributedState
{
    // Where every message from a session goes. Runs on the session's reader, one message at a time, in order.
    public sealed partial class DsnNode
    {
        /// <summary>Counter names by message type, built once: a name per message would be an allocation per frame.</summary>
        private static readonly string[] ReceivedCounters = BuildReceivedCounters();

        private static string[] BuildReceivedCounters()
        {
            var names = new string[256];
            foreach (MessageType type in System.Enum.GetValues(typeof(MessageType)))
                names[(byte)type] = "messages.received." + type;
            return names;
        }

        private void OnMessage(PeerSession session, Message message)
        {
            _counters.Add(ReceivedCounters[(byte)message.Type]);
            session.LastReceivedAt = MonotonicMs;
            switch (message)
            {
                case PingMessage ping:
                    HandlePing(session, ping);
                    break;
                case AckMessage ack:
                    HandleAck(session, ack);
                    break;
                case PingRequestMessage request:
                    HandlePingRequest(session, request);
                    break;
                case MembersMessage members:
                    HandleMembers(session, members);
                    break;
                case PushMessage push:
                    HandlePush(session, push);
                    break;
                case SyncMessage sync:
                    HandleSync(session, sync);
                    break;
                case DigestMessage digest:
                    HandleDigest(session, digest);
                    break;
                case DigestDoneMessage done:
                    HandleDigestDone(session, done);
                    break;
                case DirectMessage direct:
                    HandleDirect(session, direct);
                    break;
                case DirectAckMessage directAck:
                    HandleDirectAck(session, directAck);
                    break;
                case IndirectPingMessage indirectPing:
                    HandleIndirectPing(session, indirectPing);
                    break;
                case IndirectAckMessage indirectAck:
                    HandleIndirectAck(session, indirectAck);
                    break;
                case ShedMessage:
                    HandleShed(session);
                    break;
                case QueryMessage query:
                    HandleQuery(session, query);
                    break;
                case QueryResponseMessage response:
                    HandleQueryResponse(session, response);
                    break;
                case KeyringCommandMessage command:
                    HandleKeyringCommand(session, command);
                    break;
            }
        }
    }
}
