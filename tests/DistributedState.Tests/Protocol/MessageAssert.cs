using System;
using System.Collections.Generic;
using DistributedState.Protocol;
using Xunit;

namespace DistributedState.Tests.Protocol
{
    /// <summary>Field-by-field equality of decoded messages.</summary>
    internal static class MessageAssert
    {
        public static void Equal(Message expected, Message actual)
        {
            Assert.Equal(expected.Type, actual.Type);
            Assert.IsType(expected.GetType(), actual);
            switch (expected)
            {
                case PingMessage e:
                    var ping = (PingMessage)actual;
                    Assert.Equal(e.ProbeId, ping.ProbeId);
                    Assert.Equal(e.Summary, ping.Summary);
                    break;
                case AckMessage e:
                    var ack = (AckMessage)actual;
                    Assert.Equal(e.ProbeId, ack.ProbeId);
                    Assert.Equal(e.Summary, ack.Summary);
                    break;
                case PingRequestMessage e:
                    var request = (PingRequestMessage)actual;
                    Assert.Equal(e.ProbeId, request.ProbeId);
                    Assert.Equal(e.Target, request.Target);
                    break;
                case MembersMessage e:
                    var members = (MembersMessage)actual;
                    Assert.Equal(e.RelayBudget, members.RelayBudget);
                    Lists(e.Alive, members.Alive, Alive);
                    Lists(e.Accusations, members.Accusations, (x, y) =>
                    {
                        Assert.Equal(x.Kind, y.Kind);
                        Assert.Equal(x.NodeId, y.NodeId);
                        Assert.Equal(x.Incarnation, y.Incarnation);
                        Assert.Equal(x.Reporter, y.Reporter);
                        Assert.Equal(x.Signature, y.Signature);
                    });
                    Lists(e.Leaves, members.Leaves, (x, y) =>
                    {
                        Assert.Equal(x.NodeId, y.NodeId);
                        Assert.Equal(x.Incarnation, y.Incarnation);
                        Assert.Equal(x.Signature, y.Signature);
                    });
                    Lists(e.Rebinds, members.Rebinds, (x, y) =>
                    {
                        Assert.Equal(x.NodeId, y.NodeId);
                        Assert.Equal(x.OldPublicKey, y.OldPublicKey);
                        Assert.Equal(x.NewPublicKey, y.NewPublicKey);
                        Assert.Equal(x.Signature, y.Signature);
                    });
                    break;
                case IndirectPingMessage e:
                    var indirectPing = (IndirectPingMessage)actual;
                    Assert.Equal((e.ProbeId, e.Requester, e.RequesterProbeId), (indirectPing.ProbeId, indirectPing.Requester, indirectPing.RequesterProbeId));
                    break;
                case IndirectAckMessage e:
                    var indirectAck = (IndirectAckMessage)actual;
                    Assert.Equal(e.ProbeId, indirectAck.ProbeId);
                    Assert.Equal(e.Proof, indirectAck.Proof);
                    break;
                case PushMessage e:
                    var push = (PushMessage)actual;
                    Assert.Equal(e.RelayBudget, push.RelayBudget);
                    Lists(e.Batches, push.Batches, Batch);
                    break;
                case SyncMessage e:
                    var sync = (SyncMessage)actual;
                    Assert.Equal(e.Owner, sync.Owner);
                    Assert.Equal(e.FromVersion, sync.FromVersion);
                    Assert.Equal(e.MoreFollow, sync.MoreFollow);
                    Lists(e.Batches, sync.Batches, Batch);
                    break;
                case DigestMessage e:
                    var digest = (DigestMessage)actual;
                    Assert.Equal(e.RequestId, digest.RequestId);
                    Assert.Equal(e.ReplyWithDigest, digest.ReplyWithDigest);
                    Lists(e.Members, digest.Members, (x, y) =>
                    {
                        Assert.Equal(x.NodeId, y.NodeId);
                        Assert.Equal(x.Incarnation, y.Incarnation);
                        Assert.Equal(x.StatusRank, y.StatusRank);
                    });
                    Lists(e.Owners, digest.Owners, (x, y) =>
                    {
                        Assert.Equal(x.Owner, y.Owner);
                        Assert.Equal(x.Epoch, y.Epoch);
                        Assert.Equal(x.Version, y.Version);
                    });
                    break;
                case DigestDoneMessage e:
                    Assert.Equal(e.RequestId, ((DigestDoneMessage)actual).RequestId);
                    break;
                case DirectMessage e:
                    var direct = (DirectMessage)actual;
                    Assert.Equal(e.MessageId, direct.MessageId);
                    Assert.Equal(e.Payload, direct.Payload);
                    break;
                case DirectAckMessage e:
                    Assert.Equal(e.MessageId, ((DirectAckMessage)actual).MessageId);
                    break;
                case ShedMessage:
                    Assert.IsType<ShedMessage>(actual);
                    break;
                case QueryMessage e:
                    var query = (QueryMessage)actual;
                    Assert.Equal((e.RelayBudget, e.QueryId, e.Asker, e.DeadlineUnixMs, e.Name), (query.RelayBudget, query.QueryId, query.Asker, query.DeadlineUnixMs, query.Name));
                    Assert.Equal(e.Targets, query.Targets);
                    Assert.Equal(e.Payload, query.Payload);
                    Assert.Equal(e.Signature, query.Signature);
                    break;
                case QueryResponseMessage e:
                    var response = (QueryResponseMessage)actual;
                    Assert.Equal(e.QueryId, response.QueryId);
                    Assert.Equal(e.Payload, response.Payload);
                    break;
                case KeyringCommandMessage e:
                    var command = (KeyringCommandMessage)actual;
                    Assert.Equal((e.RelayBudget, e.CommandId, e.Asker, e.DeadlineUnixMs, e.Operation, e.KeyId, e.Key?.ToString()),
                        (command.RelayBudget, command.CommandId, command.Asker, command.DeadlineUnixMs, command.Operation, command.KeyId, command.Key?.ToString()));
                    Assert.Equal(e.Signature, command.Signature);
                    break;
                default:
                    throw new InvalidOperationException("Unknown message type " + expected.GetType());
            }
        }

        public static void Alive(AliveRecord x, AliveRecord y)
        {
            Assert.Equal(x.NodeId, y.NodeId);
            Assert.Equal(x.PublicKey, y.PublicKey);
            Assert.Equal(x.Incarnation, y.Incarnation);
            Assert.Equal(x.Host, y.Host);
            Assert.Equal(x.Port, y.Port);
            Assert.Equal(x.Run, y.Run);
            Assert.Equal(x.Signature, y.Signature);
        }

        public static void Batch(SignedBatch x, SignedBatch y)
        {
            Assert.Equal(x.Owner, y.Owner);
            Assert.Equal(x.Epoch, y.Epoch);
            Assert.Equal(x.BaseVersion, y.BaseVersion);
            Assert.Equal(x.Version, y.Version);
            Assert.Equal(x.Commitment, y.Commitment);
            Assert.Equal(x.Encoded, y.Encoded);
            Lists(x.Entries, y.Entries, (a, b) =>
            {
                Assert.Equal(a.Key, b.Key);
                Assert.Equal(a.Version, b.Version);
                Assert.Equal(a.Value, b.Value);
                Assert.Equal(a.LeaseMs, b.LeaseMs);
                Assert.Equal(a.Lapsed, b.Lapsed);
            });
        }

        private static void Lists<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Action<T, T> element)
        {
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
                element(expected[i], actual[i]);
        }
    }
}
