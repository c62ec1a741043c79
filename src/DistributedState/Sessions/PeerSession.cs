using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Internal;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Transport;
using DistributedState.Logging;

namespace DistributedState.Sessions
{
    /// <summary>
    /// An authenticated connection to one peer. Outgoing messages wait in a queue drained by one writer task, so a
    /// sender never blocks on the network. The writer runs only while there is something to write (an idle session
    /// holds no parked writer, which matters with a hundred sessions per node); a peer that does not drain its queue (more than
    /// <see cref="MaxQueuedBytes"/> waiting, more than its share when the node's queues are at their cap (see
    /// <see cref="SendBudget"/>), or one write stalled beyond the write timeout) is disconnected. One
    /// reader task checks, decrypts and decodes incoming frames and hands each message to the node in order.
    /// A frame that fails the frame checks (tag, sequence) closes the session: over TCP nobody but an attacker on the
    /// path deletes, repeats, reorders or alters frames (over the fault-injection transport, whose links do that by
    /// design, such frames are dropped and counted instead). An authentic frame that holds no valid message is
    /// dropped and counted. Each refusal has its counter; none is thrown out of the loop.
    /// </summary>
    internal sealed class PeerSession : IRegisteredSession
    {
        public const long MaxQueuedBytes = 64L * 1024 * 1024;

        /// <summary>Digests of a peer answered at once before the one-per-interval rate applies (a join sends a few).</summary>
        public const int DigestBurst = 3;
        private const int MaxRejectedFrames = 64;
        private static long _nextId;

        private readonly IDsnConnection _connection;
        private readonly FrameSealer _sealer;
        private readonly FrameOpener _opener;
        private readonly ProtocolLimits _limits;
        private readonly Counters _counters;
        private readonly NodeLog _logger;
        private readonly TimeSpan _writeTimeout;
        private readonly Func<Task> _whenRunnable;
        private readonly SendBudget _budget;
        private readonly bool _lossy;
        private readonly Queue<byte[]> _outgoing = new Queue<byte[]>(); // also the lock for the two flags below
        private bool _writerRunning;
        private bool _writerRetired;
        private readonly CancellationTokenSource _closed = new CancellationTokenSource();
        private long _queuedBytes;
        private int _writeStartedAt;
        private int _loopsEnded;
        private ulong _missingReported;
        private int _rejectedFrames;
        private int _rejectWindowStart = Environment.TickCount;
        private int _closing;
        private int _shed;
        private int _badSignatures;
        private long _lastReceivedAt = long.MinValue;

        public PeerSession(IDsnConnection connection, HandshakeResult handshake, string peerId, bool initiated,
            ProtocolLimits limits, Counters counters, NodeLog logger, TimeSpan writeTimeout, Func<Task> whenRunnable, SendBudget budget, TimeSpan digestInterval)
        {
            DigestAnswers = new TokenBucket(DigestBurst, Math.Max(1, (long)digestInterval.TotalMilliseconds));
            _whenRunnable = whenRunnable;
            _budget = budget;
            _budget.AddSession();
            _connection = connection;
            _lossy = connection is ILossyConnection;
            _sealer = handshake.Sealer;
            _opener = handshake.Opener;
            PeerId = peerId;
            Initiated = initiated;
            _limits = limits;
            _counters = counters;
            _logger = logger;
            _writeTimeout = writeTimeout;
            Id = Interlocked.Increment(ref _nextId);
        }

        public long Id { get; }

        public string PeerId { get; }

        /// <summary>True when this node opened the connection.</summary>
        public bool Initiated { get; }

        public string RemoteAddress => _connection.RemoteAddress;

        public bool IsOpen => Volatile.Read(ref _closing) == 0;

        /// <summary>
        /// True when either side shed this connection to stay within its connection cap: its closing is then no sign
        /// that the peer failed.
        /// </summary>
        public bool WasShed => Volatile.Read(ref _shed) != 0;

        /// <summary>Why the session closed, once it has.</summary>
        public string? CloseReason { get; private set; }

        /// <summary>When the session was established (milliseconds of the node's monotonic clock).</summary>
        public long OpenedAt { get; set; }

        /// <summary>When a message from the peer last arrived (monotonic milliseconds; long.MinValue before the first). Any thread.</summary>
        public long LastReceivedAt
        {
            get => Volatile.Read(ref _lastReceivedAt);
            set => Volatile.Write(ref _lastReceivedAt, value);
        }

        /// <summary>When this node last asked the peer for a digest exchange (monotonic milliseconds).</summary>
        public long LastDigestAt { get; set; }

        /// <summary>
        /// The peer's digests this node may answer: each answer can carry the whole state, so they are answered at most
        /// once per anti-entropy interval after a burst of <see cref="DigestBurst"/>. Used by the session's reader only.
        /// </summary>
        public TokenBucket DigestAnswers { get; }

        /// <summary>Counts a record or batch with a bad signature that came on this session; returns how many did so far.</summary>
        public int NoteBadSignature() => Interlocked.Increment(ref _badSignatures);

        /// <summary>Starts the reader and writer; <paramref name="onClosed"/> runs once when the session ends.</summary>
        public void Start(Action<PeerSession, Message> onMessage, Action<PeerSession> onClosed)
        {
            _ = Task.Run(async () =>
            {
                await ReadLoopAsync(onMessage).ConfigureAwait(false);
                onClosed(this);
            });
        }

        public bool Send(Message message) => SendEncoded(MessageCodec.Encode(message));

        /// <summary>Queues an already encoded message (encode once, send to many).</summary>
        public bool SendEncoded(byte[] plaintext)
        {
            if (!IsOpen)
                return false;
            bool startWriter;
            SendAdmission admission;
            lock (_outgoing)
            {
                if (_writerRetired)
                    return false;
                // Reserved under the queue's lock, so a retiring writer releases exactly what was queued.
                admission = _budget.TryReserve(Interlocked.Read(ref _queuedBytes), plaintext.Length);
                startWriter = false;
                if (admission == SendAdmission.Admitted)
                {
                    Interlocked.Add(ref _queuedBytes, plaintext.Length);
                    _outgoing.Enqueue(plaintext);
                    startWriter = !_writerRunning;
                    _writerRunning = true;
                }
            }

            if (admission != SendAdmission.Admitted)
            {
                CloseAsSlowReader(admission);
                return false;
            }

            // Never written inline: callers may hold the node's lock.
            if (startWriter)
                ThreadPool.UnsafeQueueUserWorkItem(session => _ = ((PeerSession)session!).WriteQueuedAsync(), this);
            return true;
        }

        private void CloseAsSlowReader(SendAdmission admission)
        {
            _counters.Add("sessions.closed.slow_reader");
            if (admission == SendAdmission.SessionFull)
            {
                Close($"the peer is not reading: more than {_budget.SessionLimit / (1024 * 1024)} MiB wait to be sent");
                return;
            }

            _counters.Add("sessions.closed.node_queue_full");
            Close($"the peer is not reading fast enough: this node's send queues hold their cap of {_budget.NodeLimit / (1024 * 1024)} MiB " +
                $"(MaxSendQueueBytes) and this peer's queue would exceed its share of {_budget.FairShare / 1024} KiB");
        }

        /// <summary>Waits until everything queued so far has been written, or the timeout passes.</summary>
        public async Task DrainAsync(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (IsOpen && Interlocked.Read(ref _queuedBytes) > 0 && DateTime.UtcNow < deadline)
                await Task.Delay(5).ConfigureAwait(false);
        }

        /// <summary>Marks the session as shed (see <see cref="WasShed"/>).</summary>
        public void MarkShed() => Volatile.Write(ref _shed, 1);

        /// <summary>Queues a last message, marks the session shed, and closes it once the message is written.</summary>
        public void SendThenClose(byte[] lastMessage, string reason)
        {
            MarkShed();
            if (SendEncoded(lastMessage))
                _ = CloseWhenDrainedAsync(reason);
            else
                Close(reason);
        }

        private async Task CloseWhenDrainedAsync(string reason)
        {
            await DrainAsync(_writeTimeout).ConfigureAwait(false);
            Close(reason);
        }

        public void Close(string reason)
        {
            if (Interlocked.Exchange(ref _closing, 1) != 0)
                return;
            CloseReason = reason;
            bool retireWriter;
            lock (_outgoing)
                retireWriter = RetireWriterIfIdle();
            if (retireWriter)
                LoopEnded();
            // Cancelling runs the loops' continuations; never inline, because callers may hold the node's lock.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                _closed.Cancel();
                _connection.Dispose();
            });
        }

        private async Task WriteQueuedAsync()
        {
            try
            {
                while (TryTakeNext(out var plaintext))
                {
                    await _whenRunnable().ConfigureAwait(false);
                    var frame = _sealer.Seal(plaintext);
                    Volatile.Write(ref _writeStartedAt, Environment.TickCount);
                    await _connection.SendAsync(new ArraySegment<byte>(frame), _closed.Token).ConfigureAwait(false);
                    Volatile.Write(ref _writeStartedAt, 0);
                    Interlocked.Add(ref _queuedBytes, -plaintext.Length);
                    _budget.Release(plaintext.Length);
                    _counters.Add("frames.sent");
                    _counters.Add("bytes.sent", frame.Length + 4);
                }
            }
            catch (Exception error)
            {
                Close(IsOpen ? $"sending failed: {error.Message}" : CloseReason ?? "closed");
                TryTakeNext(out _); // the session is closed now: this retires the writer
            }
        }

        /// <summary>
        /// The next message to write; false when there is none, and then the writer stops (in the same lock as the
        /// check, so a message queued right after starts a new writer rather than waiting for this one).
        /// </summary>
        private bool TryTakeNext(out byte[] plaintext)
        {
            bool retire;
            lock (_outgoing)
            {
                if (IsOpen && _outgoing.Count > 0)
                {
                    plaintext = _outgoing.Dequeue();
                    return true;
                }

                plaintext = Array.Empty<byte>();
                _writerRunning = false;
                retire = !IsOpen && RetireWriterIfIdle();
            }

            if (retire)
                LoopEnded();
            return false;
        }

        /// <summary>
        /// Under the queue's lock, once the session is closed: true exactly once, when no writer runs and none can start
        /// any more; the caller then counts the writer as ended.
        /// </summary>
        private bool RetireWriterIfIdle()
        {
            if (_writerRunning || _writerRetired)
                return false;
            _writerRetired = true;
            _outgoing.Clear();
            // Nothing is written any more: what was queued (and a write that failed) leaves the node's budget.
            _budget.Release(Interlocked.Exchange(ref _queuedBytes, 0));
            _budget.RemoveSession();
            return true;
        }

        /// <summary>
        /// Closes the session when one write has been stuck longer than the write timeout (a peer that stopped
        /// reading). Checked by the node's housekeeping rather than with a timer per frame.
        /// </summary>
        public void CloseIfWriteStalled()
        {
            var started = Volatile.Read(ref _writeStartedAt);
            if (started != 0 && Environment.TickCount - started > _writeTimeout.TotalMilliseconds)
            {
                _counters.Add("sessions.closed.slow_reader");
                Close($"a write has been blocked for more than {_writeTimeout.TotalSeconds:0.#} s: the peer is not reading");
            }
        }

        /// <summary>The ciphers hold native handles: free them once neither loop can use them.</summary>
        private void LoopEnded()
        {
            if (Interlocked.Increment(ref _loopsEnded) == 2)
            {
                _sealer.Dispose();
                _opener.Dispose();
            }
        }

        private async Task ReadLoopAsync(Action<PeerSession, Message> onMessage)
        {
            try
            {
                while (IsOpen)
                {
                    await _whenRunnable().ConfigureAwait(false);
                    byte[]? frame;
                    try
                    {
                        frame = await _connection.ReceiveAsync(_limits.MaxFrameBytes, _closed.Token).ConfigureAwait(false);
                    }
                    catch (InvalidDataException error)
                    {
                        _counters.Add("frames.rejected.oversized");
                        Close($"protocol violation: {error.Message}");
                        return;
                    }

                    if (frame is null)
                    {
                        Close("the peer closed the connection");
                        return;
                    }

                    _counters.Add("frames.received");
                    _counters.Add("bytes.received", frame.Length + 4);
                    var rejection = _opener.Open(frame, out var length);
                    if (rejection != FrameRejection.None)
                    {
                        if (RefuseFrame(rejection))
                            return;
                        continue;
                    }

                    if (_opener.MissingFrames != _missingReported)
                    {
                        var missing = (long)(_opener.MissingFrames - _missingReported);
                        _missingReported = _opener.MissingFrames;
                        if (!_lossy)
                        {
                            _counters.Add("frames.rejected.sequence_gap");
                            Close($"protocol violation: {missing} frame(s) from the peer never arrived (a sequence gap): over TCP only someone on the path deletes frames");
                            return;
                        }

                        // The fault-injection transport drops frames; the protocol above repairs what was lost.
                        _counters.Add("frames.missing", missing);
                    }

                    Message message;
                    try
                    {
                        message = MessageCodec.Decode(frame, FrameCipher.SequenceLength, length, _limits);
                    }
                    catch (InvalidDataException error)
                    {
                        _logger.LogWarning("Dropped a malformed message from {Peer}: {Reason}", PeerId, error.Message);
                        Reject("frames.rejected.malformed");
                        continue;
                    }

                    try
                    {
                        onMessage(this, message);
                    }
                    catch (Exception error)
                    {
                        _logger.LogError(error, "Handling a {Type} message from {Peer} failed; the message was dropped.", message.Type, PeerId);
                        _counters.Add("messages.handler_failed");
                    }
                }
            }
            catch (Exception error)
            {
                Close(IsOpen ? $"receiving failed: {error.Message}" : CloseReason ?? "closed");
            }
            finally
            {
                LoopEnded();
            }
        }

        /// <summary>
        /// Counts a frame that failed the frame checks and closes the session (true), as it was injected, altered,
        /// repeated or reordered on the way; over a lossy transport the frame is only dropped (<see cref="Reject"/>).
        /// </summary>
        private bool RefuseFrame(FrameRejection rejection)
        {
            var (counter, what) = rejection switch
            {
                FrameRejection.Replayed => ("frames.rejected.replayed", "arrived again or out of order"),
                FrameRejection.Truncated => ("frames.rejected.truncated", "is shorter than any protected frame"),
                _ => ("frames.rejected.bad_tag", "failed authentication"),
            };
            if (_lossy)
            {
                Reject(counter);
                return !IsOpen;
            }

            _counters.Add(counter);
            Close($"protocol violation: a frame {what}: over TCP only someone on the path injects, alters or replays frames");
            return true;
        }

        /// <summary>
        /// Counts a rejected frame; more than <see cref="MaxRejectedFrames"/> within a minute closes the session
        /// (an attacker or a broken peer), while a lossy link's occasional corruption never adds up to that.
        /// </summary>
        private void Reject(string counter)
        {
            _counters.Add(counter);
            var now = Environment.TickCount;
            if (now - Volatile.Read(ref _rejectWindowStart) > 60_000)
            {
                Volatile.Write(ref _rejectWindowStart, now);
                Volatile.Write(ref _rejectedFrames, 0);
            }

            if (Interlocked.Increment(ref _rejectedFrames) > MaxRejectedFrames)
                Close($"more than {MaxRejectedFrames} frames from this peer failed their checks within a minute");
        }
    }
}
