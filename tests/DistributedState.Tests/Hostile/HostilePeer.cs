using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Sessions;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Tests.Support;
using DistributedState.Transport;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// A peer that speaks the real wire protocol with its own identity key, under the test's full control: it
    /// authenticates with whatever network key and NodeId it is given, and can then send any message, frame or
    /// byte. By default it behaves just enough like a member to stay one (it answers probes and digests, refutes
    /// suspicions of itself and accepts the connections members open to it), so an attack is judged on its own.
    /// </summary>
    internal sealed class HostilePeer : IAsyncDisposable
    {
        public static readonly ProtocolLimits ReadLimits = new ProtocolLimits(64 * 1024 * 1024, 64 * 1024 * 1024);
        private readonly byte[] _networkKey;
        private readonly List<HostileSession> _sessions = new List<HostileSession>();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private IDsnListener? _listener;
        private volatile TaskCompletionSource<bool>? _paused;

        private HostilePeer(string nodeId, IdentityKey identity, byte[] networkKey)
        {
            NodeId = nodeId;
            Identity = identity;
            _networkKey = networkKey;
            Incarnation = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        public string NodeId { get; }

        public IdentityKey Identity { get; }

        public long Incarnation { get; private set; }

        public int AdvertisedPort { get; private set; } = 1;

        /// <summary>The host this peer states it is reachable at (its own alive records).</summary>
        public string AdvertisedHost { get; private set; } = "127.0.0.1";

        /// <summary>The session this peer opened to its target.</summary>
        public HostileSession Main { get; private set; } = null!;

        public IReadOnlyList<HostileSession> Sessions
        {
            get
            {
                lock (_sessions)
                    return _sessions.ToList();
            }
        }

        /// <summary>Connects to <paramref name="target"/> and authenticates; throws <see cref="HandshakeException"/> if refused.</summary>
        public static async Task<HostilePeer> JoinAsync(DsnNode target, DsnNetworkKey key, string nodeId, IdentityKey? identity = null,
            bool raw = false, bool listen = true)
        {
            var peer = new HostilePeer(nodeId, identity ?? IdentityKey.Create(), key.Bytes);
            try
            {
                if (listen)
                    await peer.ListenAsync();
                peer.Main = await peer.ConnectAsync(target.LocalEndPoint.Port, raw);
                return peer;
            }
            catch
            {
                await peer.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// Connects over another transport (a fault-injection host, whose address is not loopback) and authenticates,
        /// stating <paramref name="advertisedHost"/> as its endpoint; throws <see cref="HandshakeException"/> if refused.
        /// </summary>
        public static async Task<HostilePeer> JoinAsync(IDsnTransport transport, DsnEndpoint target, DsnNetworkKey key, string nodeId, string advertisedHost)
        {
            var peer = new HostilePeer(nodeId, IdentityKey.Create(), key.Bytes) { AdvertisedHost = advertisedHost, AdvertisedPort = 7946 };
            try
            {
                peer.Main = await peer.HandshakeAsync(await transport.ConnectAsync(target, TimeSpan.FromSeconds(5), peer._stop.Token));
                return peer;
            }
            catch
            {
                await peer.DisposeAsync();
                throw;
            }
        }

        public byte[] Statement()
        {
            var writer = new WireWriter();
            AliveRecord.Create(Identity, NodeId, Incarnation, AdvertisedHost, AdvertisedPort).Write(writer);
            return writer.ToArray();
        }

        /// <summary>Opens another authenticated session to a node.</summary>
        public async Task<HostileSession> ConnectAsync(int port, bool raw = false)
        {
            IDsnConnection connection = raw
                ? await RawConnection.ConnectAsync(port)
                : await TcpTransport.Instance.ConnectAsync(new DsnEndpoint("127.0.0.1", port), TimeSpan.FromSeconds(5), _stop.Token);
            return await HandshakeAsync(connection);
        }

        private async Task<HostileSession> HandshakeAsync(IDsnConnection connection)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var result = await Handshake.InitiateAsync(connection, _networkKey, Identity, Statement(), timeout.Token);
                return Start(connection, result);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        private async Task ListenAsync()
        {
            _listener = await TcpTransport.Instance.ListenAsync(IPAddress.Loopback, 0, _stop.Token);
            AdvertisedPort = _listener.LocalEndPoint.Port;
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    IDsnConnection connection;
                    try
                    {
                        connection = await _listener.AcceptAsync(_stop.Token);
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                            Start(connection, await Handshake.RespondAsync(connection, Support.Rings.Of(_networkKey), Identity, Statement(), timeout.Token));
                        }
                        catch (Exception)
                        {
                            connection.Dispose();
                        }
                    });
                }
            });
        }

        private HostileSession Start(IDsnConnection connection, HandshakeResult result)
        {
            var session = new HostileSession(this, connection, result);
            lock (_sessions)
                _sessions.Add(session);
            session.StartReading();
            return session;
        }

        /// <summary>Every session stops reading: the node's writes pile up in the sockets (a slow reader that never drains).</summary>
        public void StopReading() => _paused = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Task WhenReading() => _paused?.Task ?? Task.CompletedTask;

        /// <summary>Answers an accusation against this peer with a newer signed alive record, as a member must.</summary>
        internal async Task RefuteAsync(HostileSession session, long accusedIncarnation)
        {
            Incarnation = Math.Max(Incarnation, accusedIncarnation) + 1;
            var alive = AliveRecord.Create(Identity, NodeId, Incarnation, AdvertisedHost, AdvertisedPort);
            await session.SendAsync(new MembersMessage(0, new[] { alive }, Array.Empty<Accusation>(), Array.Empty<LeaveRecord>()));
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _paused?.TrySetResult(true);
            _listener?.Dispose();
            foreach (var session in Sessions)
                session.Close();
            await Task.CompletedTask;
        }
    }

    /// <summary>One authenticated connection of a <see cref="HostilePeer"/>.</summary>
    internal sealed class HostileSession
    {
        private readonly HostilePeer _peer;
        private readonly HandshakeResult _result;
        private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);
        private readonly TaskCompletionSource<bool> _closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private uint _nextProbe = 1000;

        public HostileSession(HostilePeer peer, IDsnConnection connection, HandshakeResult result)
        {
            _peer = peer;
            Connection = connection;
            _result = result;
        }

        public IDsnConnection Connection { get; }

        /// <summary>The identity statement the node sent in the handshake.</summary>
        public byte[] PeerIdentity => _result.PeerIdentity;

        public ConcurrentQueue<Message> Received { get; } = new ConcurrentQueue<Message>();

        /// <summary>Completes when the node closes the connection.</summary>
        public Task Closed => _closed.Task;

        public bool IsClosed => _closed.Task.IsCompleted;

        /// <summary>Frames from the node that failed authentication on this side (must stay zero).</summary>
        public int BadFrames;

        /// <summary>When false, probes are not answered.</summary>
        public volatile bool AnswerPings = true;

        internal void StartReading() => _ = Task.Run(ReadLoopAsync);

        private async Task ReadLoopAsync()
        {
            try
            {
                while (true)
                {
                    await _peer.WhenReading();
                    var frame = await Connection.ReceiveAsync(HostilePeer.ReadLimits.MaxFrameBytes, CancellationToken.None);
                    if (frame is null)
                        return;
                    if (_result.Opener.Open(frame, out var length) != FrameRejection.None)
                    {
                        Interlocked.Increment(ref BadFrames);
                        continue;
                    }

                    var message = MessageCodec.Decode(frame, FrameCipher.SequenceLength, length, HostilePeer.ReadLimits);
                    Received.Enqueue(message);
                    await _peer.WhenReading();
                    switch (message)
                    {
                        case PingMessage ping when AnswerPings:
                            await SendAsync(new AckMessage(ping.ProbeId, 0));
                            break;
                        case DigestMessage digest when digest.RequestId != 0:
                            await SendAsync(new DigestDoneMessage(digest.RequestId));
                            break;
                        case MembersMessage members:
                            foreach (var accusation in members.Accusations)
                            {
                                if (accusation.NodeId == _peer.NodeId && accusation.Incarnation >= _peer.Incarnation)
                                    await _peer.RefuteAsync(this, accusation.Incarnation);
                            }

                            break;
                    }
                }
            }
            catch (Exception)
            {
                // The node closed or reset the connection.
            }
            finally
            {
                _closed.TrySetResult(true);
            }
        }

        private async Task<T> Locked<T>(Func<Task<T>> action)
        {
            await _sendLock.WaitAsync();
            try
            {
                return await action();
            }
            finally
            {
                _sendLock.Release();
            }
        }

        private Task Write(byte[] frame) => Connection.SendAsync(new ArraySegment<byte>(frame), CancellationToken.None);

        /// <summary>Seals and sends a message; returns the protected frame as it went out (for replay).</summary>
        public Task<byte[]> SendAsync(Message message) => SendPlaintextAsync(MessageCodec.Encode(message));

        /// <summary>Seals and sends any plaintext, well-formed or not.</summary>
        public Task<byte[]> SendPlaintextAsync(byte[] plaintext) => Locked(async () =>
        {
            var frame = _result.Sealer.Seal(plaintext);
            await Write(frame);
            return frame;
        });

        /// <summary>Seals a message, lets <paramref name="tamper"/> change the frame, sends the result.</summary>
        public Task<byte[]> SendTamperedAsync(Message message, Func<byte[], byte[]> tamper) => Locked(async () =>
        {
            var frame = tamper(_result.Sealer.Seal(MessageCodec.Encode(message)));
            await Write(frame);
            return frame;
        });

        /// <summary>Sends bytes as one frame, unsealed (a replayed capture, a truncated frame).</summary>
        public Task SendFrameAsync(byte[] frame) => Locked(async () =>
        {
            await Write(frame);
            return true;
        });

        /// <summary>Seals two messages in order and sends them in the opposite order.</summary>
        public Task SendReorderedAsync(Message first, Message second) => Locked(async () =>
        {
            var a = _result.Sealer.Seal(MessageCodec.Encode(first));
            var b = _result.Sealer.Seal(MessageCodec.Encode(second));
            await Write(b);
            await Write(a);
            return true;
        });

        /// <summary>Writes raw bytes on the socket (only for a session opened with raw: true).</summary>
        public Task SendRawAsync(byte[] bytes) => ((RawConnection)Connection).SendRawAsync(bytes);

        public async Task<T> WaitForAsync<T>(Func<T, bool> match, string description, TimeSpan? timeout = null) where T : Message
        {
            T? found = null;
            await Eventually.HoldsAsync(() =>
            {
                found = Received.OfType<T>().FirstOrDefault(match);
                return found is not null;
            }, description, timeout ?? TimeSpan.FromSeconds(5));
            return found!;
        }

        /// <summary>Pings the node and waits for its ack: proves the session is open and the node processed everything before.</summary>
        public async Task PingAsync()
        {
            var id = Interlocked.Increment(ref _nextProbe);
            await SendAsync(new PingMessage(id, 0));
            await WaitForAsync<AckMessage>(a => a.ProbeId == id, $"the node acks ping {id}");
        }

        public int Count<T>(Func<T, bool> match) where T : Message => Received.OfType<T>().Count(match);

        public void Close() => Connection.Dispose();
    }
}
