using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// One direction between two hosts: its faults (null: the network's default), whether it is cut, and its own
    /// random stream, derived from the network's seed and the two host names.
    /// </summary>
    internal sealed class Link
    {
        private ulong _state;

        public Link(FaultInjectionTransport from, FaultInjectionTransport to, int seed)
        {
            From = from;
            To = to;
            _state = StableHash(from.Name, StableHash(to.Name, (ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
        }

        public FaultInjectionTransport From { get; }

        public FaultInjectionTransport To { get; }

        /// <summary>This direction's own faults; null means the network's default.</summary>
        public volatile LinkFaults? Faults;

        /// <summary>Cut by <see cref="FaultInjectionNetwork.Cut"/> (partitions and isolation are kept on the hosts).</summary>
        public volatile bool ManuallyCut;

        /// <summary>SplitMix64: tiny state, good statistical quality, the same sequence on every .NET.</summary>
        public ulong NextBits()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1).</summary>
        public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

        /// <summary>FNV-1a over the string, chained from <paramref name="basis"/>; unlike string.GetHashCode, stable across processes.</summary>
        public static ulong StableHash(string text, ulong basis)
        {
            var hash = basis ^ 14695981039346656037UL;
            foreach (var c in text)
                hash = (hash ^ c) * 1099511628211UL;
            return hash;
        }
    }

    /// <summary>
    /// One direction of a connection: frames in flight and waiting to be read, with TCP-like flow control
    /// (a writer waits while more than the network's receive window is unread).
    /// </summary>
    internal sealed class Pipe
    {
        private readonly Queue<byte[]> _ready = new Queue<byte[]>();
        private TaskCompletionSource<bool>? _readable;
        private TaskCompletionSource<bool>? _writable;
        private bool _endOfStream;

        /// <summary>Bytes accepted from the writer and neither read nor discarded yet.</summary>
        public long Buffered;

        /// <summary>When the last in-order frame is due (stopwatch ticks): later frames are never due before it.</summary>
        public long LastDue;

        /// <summary>In-order frames waiting in the delay queue; while any do, nothing may be delivered inline.</summary>
        public int Scheduled;

        /// <summary>Frames the writer has sent (for <see cref="LinkFaults.ProtectedFrames"/>).</summary>
        public long FramesSent;

        /// <summary>The receiving end was disposed: further frames are discarded and the writer gets a reset.</summary>
        public bool ReaderClosed;

        /// <summary>The sending end was disposed.</summary>
        public bool WriterClosed;

        /// <summary>Puts an arrived frame (null: the writer's close) in the read queue. Returns false if the reader has gone.</summary>
        public bool Arrive(byte[]? frame)
        {
            TaskCompletionSource<bool>? wake;
            lock (this)
            {
                if (ReaderClosed)
                {
                    if (frame is not null)
                        Buffered -= frame.Length;
                    return false;
                }

                if (frame is null)
                    _endOfStream = true;
                else
                    _ready.Enqueue(frame);
                wake = _readable;
                _readable = null;
            }

            wake?.TrySetResult(true);
            return true;
        }

        /// <summary>A frame that will never arrive (dropped, cut): it no longer counts against the window.</summary>
        public void Forget(int length)
        {
            TaskCompletionSource<bool>? wake;
            lock (this)
            {
                Buffered -= length;
                wake = _writable;
                _writable = null;
            }

            wake?.TrySetResult(true);
        }

        /// <summary>
        /// Takes the next frame if there is one; otherwise returns a task that completes when something changes.
        /// <paramref name="closed"/> reports the end of the stream.
        /// </summary>
        public byte[]? TryTake(out Task? wait, out bool closed)
        {
            TaskCompletionSource<bool>? wake = null;
            byte[]? frame = null;
            wait = null;
            closed = false;
            lock (this)
            {
                if (_ready.Count > 0)
                {
                    frame = _ready.Dequeue();
                    Buffered -= frame.Length;
                    wake = _writable;
                    _writable = null;
                }
                else if (_endOfStream || ReaderClosed)
                {
                    closed = true;
                }
                else
                {
                    _readable ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _readable.Task;
                }
            }

            wake?.TrySetResult(true);
            return frame;
        }

        /// <summary>Under the pipe's lock: a task that completes when the window may have room again.</summary>
        public Task WaitWritableLocked()
        {
            _writable ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _writable.Task;
        }

        /// <summary>Wakes whoever waits on this pipe (cancellation, disposal).</summary>
        public void WakeAll()
        {
            TaskCompletionSource<bool>? readable, writable;
            lock (this)
            {
                readable = _readable;
                writable = _writable;
                _readable = null;
                _writable = null;
            }

            readable?.TrySetResult(true);
            writable?.TrySetResult(true);
        }

        /// <summary>The receiving end closed: drop what waits unread. Returns how many frames were discarded.</summary>
        public int CloseReader()
        {
            int discarded;
            lock (this)
            {
                ReaderClosed = true;
                discarded = _ready.Count;
                _ready.Clear();
                Buffered = 0;
            }

            WakeAll();
            return discarded;
        }
    }

    /// <summary>One end of an in-memory connection.</summary>
    internal sealed class Connection : IDsnConnection
    {
        private readonly FaultInjectionNetwork _network;
        private int _disposed;

        public Connection(FaultInjectionNetwork network, Link outbound, Pipe inboundPipe, Pipe outboundPipe, string remoteAddress)
        {
            _network = network;
            Outbound = outbound;
            Inbound = inboundPipe;
            OutboundPipe = outboundPipe;
            RemoteAddress = remoteAddress;
        }

        public Link Outbound { get; }

        public Pipe Inbound { get; }

        public Pipe OutboundPipe { get; }

        public string RemoteAddress { get; }

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken)
        {
            if (IsDisposed)
                return Task.FromException(new ObjectDisposedException(nameof(Connection), "The connection is closed."));
            if (cancellationToken.IsCancellationRequested)
                return Task.FromCanceled(cancellationToken);
            var copy = new byte[frame.Count];
            Buffer.BlockCopy(frame.Array!, frame.Offset, copy, 0, frame.Count);
            return _network.TransmitAsync(this, copy, cancellationToken);
        }

        public Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken)
        {
            if (IsDisposed)
                return Task.FromException<byte[]?>(new ObjectDisposedException(nameof(Connection), "The connection is closed."));
            if (cancellationToken.IsCancellationRequested)
                return Task.FromCanceled<byte[]?>(cancellationToken);
            var frame = Inbound.TryTake(out var wait, out var closed);
            if (frame is not null)
                return Checked(frame, maxFrameBytes);
            if (closed)
                return Task.FromResult<byte[]?>(null);
            return ReceiveSlowAsync(wait!, maxFrameBytes, cancellationToken);
        }

        private async Task<byte[]?> ReceiveSlowAsync(Task wait, int maxFrameBytes, CancellationToken cancellationToken)
        {
            using (cancellationToken.Register(s => ((Pipe)s!).WakeAll(), Inbound))
            {
                while (true)
                {
                    await wait.ConfigureAwait(false);
                    if (IsDisposed)
                        throw new ObjectDisposedException(nameof(Connection), "The connection is closed.");
                    cancellationToken.ThrowIfCancellationRequested();
                    var frame = Inbound.TryTake(out var next, out var closed);
                    if (frame is not null)
                        return await Checked(frame, maxFrameBytes).ConfigureAwait(false);
                    if (closed)
                        return null;
                    wait = next!;
                }
            }
        }

        private static Task<byte[]?> Checked(byte[] frame, int maxFrameBytes) => frame.Length > maxFrameBytes
            ? Task.FromException<byte[]?>(new InvalidDataException($"A frame claims {frame.Length} bytes; the limit is {maxFrameBytes}."))
            : Task.FromResult<byte[]?>(frame);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _network.Close(this);
        }
    }

    /// <summary>A listening port of a host.</summary>
    internal sealed class Listener : IDsnListener
    {
        public const int Backlog = 512;
        private readonly FaultInjectionTransport _host;
        private readonly Queue<Connection> _backlog = new Queue<Connection>();
        private TaskCompletionSource<bool>? _waiter;
        private bool _disposed;

        public Listener(FaultInjectionTransport host, IPEndPoint endPoint)
        {
            _host = host;
            LocalEndPoint = endPoint;
        }

        public IPEndPoint LocalEndPoint { get; }

        /// <summary>Queues an inbound connection. Null when accepted; otherwise why not.</summary>
        public string? TryEnqueue(Connection connection)
        {
            TaskCompletionSource<bool>? wake;
            lock (_backlog)
            {
                if (_disposed)
                    return "refused";
                if (_backlog.Count >= Backlog)
                    return "backlog";
                _backlog.Enqueue(connection);
                wake = _waiter;
                _waiter = null;
            }

            wake?.TrySetResult(true);
            return null;
        }

        public async Task<IDsnConnection> AcceptAsync(CancellationToken cancellationToken)
        {
            using (cancellationToken.Register(s => ((Listener)s!).Wake(), this))
            {
                while (true)
                {
                    Task wait;
                    lock (_backlog)
                    {
                        if (_disposed)
                            throw new ObjectDisposedException(nameof(Listener), "The listener is closed.");
                        cancellationToken.ThrowIfCancellationRequested();
                        if (_backlog.Count > 0)
                            return _backlog.Dequeue();
                        _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        wait = _waiter.Task;
                    }

                    await wait.ConfigureAwait(false);
                }
            }
        }

        private void Wake()
        {
            TaskCompletionSource<bool>? wake;
            lock (_backlog)
            {
                wake = _waiter;
                _waiter = null;
            }

            wake?.TrySetResult(true);
        }

        public void Dispose()
        {
            List<Connection> pending;
            lock (_backlog)
            {
                if (_disposed)
                    return;
                _disposed = true;
                pending = new List<Connection>(_backlog);
                _backlog.Clear();
            }

            _host.RemoveListener(LocalEndPoint.Port, this);
            foreach (var connection in pending)
                connection.Dispose(); // never accepted: the client sees the connection close
            Wake();
        }
    }

    /// <summary>
    /// The delay queue of a network: a binary heap ordered by due time (then by arrival, so equal times keep their
    /// order), served by one background thread that sleeps until the earliest entry is due.
    /// </summary>
    internal sealed class DeliveryScheduler : IDisposable
    {
        private readonly object _gate = new object();
        private readonly Action<Delivery> _deliver;
        private Entry[] _heap = new Entry[64];
        private int _count;
        private long _sequence;
        private Thread? _thread;
        private bool _disposed;

        public DeliveryScheduler(Action<Delivery> deliver) => _deliver = deliver;

        public int Pending
        {
            get
            {
                lock (_gate)
                    return _count;
            }
        }

        public bool Schedule(long due, Delivery delivery)
        {
            lock (_gate)
            {
                if (_disposed)
                    return false;
                if (_count == _heap.Length)
                    Array.Resize(ref _heap, _heap.Length * 2);
                var entry = new Entry(due, _sequence++, delivery);
                var i = _count++;
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (!entry.Before(_heap[parent]))
                        break;
                    _heap[i] = _heap[parent];
                    i = parent;
                }

                _heap[i] = entry;
                if (_thread is null)
                {
                    _thread = new Thread(Run) { IsBackground = true, Name = "FaultInjectionNetwork delays" };
                    _thread.Start();
                }
                else if (i == 0)
                {
                    Monitor.Pulse(_gate); // a new earliest entry: the thread may be sleeping too long
                }

                return true;
            }
        }

        private void Run()
        {
            var due = new List<Delivery>();
            while (true)
            {
                lock (_gate)
                {
                    while (true)
                    {
                        if (_disposed)
                            return;
                        if (_count == 0)
                        {
                            Monitor.Wait(_gate);
                            continue;
                        }

                        var now = Stopwatch.GetTimestamp();
                        var wait = _heap[0].Due - now;
                        if (wait <= 0)
                            break;
                        var ms = (int)Math.Min(int.MaxValue, (wait * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
                        Monitor.Wait(_gate, Math.Max(1, ms));
                    }

                    var limit = Stopwatch.GetTimestamp();
                    while (_count > 0 && _heap[0].Due <= limit)
                        due.Add(Pop());
                }

                foreach (var delivery in due)
                {
                    try
                    {
                        _deliver(delivery);
                    }
                    catch (Exception)
                    {
                        // A delivery only touches in-memory queues; nothing may stop the delay thread.
                    }
                }

                due.Clear();
            }
        }

        private Delivery Pop()
        {
            var top = _heap[0].Item;
            var last = _heap[--_count];
            _heap[_count] = default;
            var i = 0;
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= _count)
                    break;
                if (child + 1 < _count && _heap[child + 1].Before(_heap[child]))
                    child++;
                if (!_heap[child].Before(last))
                    break;
                _heap[i] = _heap[child];
                i = child;
            }

            if (_count > 0)
                _heap[i] = last;
            return top;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _count = 0;
                _heap = new Entry[1];
                Monitor.PulseAll(_gate);
            }
        }

        private readonly struct Entry
        {
            public Entry(long due, long sequence, Delivery item)
            {
                Due = due;
                Sequence = sequence;
                Item = item;
            }

            public long Due { get; }

            public long Sequence { get; }

            public Delivery Item { get; }

            public bool Before(Entry other) => Due < other.Due || (Due == other.Due && Sequence < other.Sequence);
        }
    }

    /// <summary>A frame (or, when <see cref="Frame"/> is null, a close) waiting in the delay queue.</summary>
    internal sealed class Delivery
    {
        public Delivery(Link link, Pipe pipe, byte[]? frame, bool inOrder)
        {
            Link = link;
            Pipe = pipe;
            Frame = frame;
            InOrder = inOrder;
        }

        public Link Link { get; }

        public Pipe Pipe { get; }

        public byte[]? Frame { get; }

        public bool InOrder { get; }
    }
}
