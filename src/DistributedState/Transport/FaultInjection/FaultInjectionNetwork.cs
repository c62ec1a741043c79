using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// An in-process virtual network of named hosts for tests and simulations: each host's
    /// <see cref="FaultInjectionTransport"/> is an <see cref="IDsnTransport"/> a node uses instead of TCP (through
    /// <see cref="DsnNodeOptions.Transport"/>; nodes never use it by default). Frames travel through in-memory queues,
    /// and every directed link between two hosts can drop, delay (fixed delay plus jitter), duplicate, reorder and
    /// corrupt them with given probabilities (<see cref="LinkFaults"/>), or be cut one way or both ways;
    /// <see cref="Partition"/> splits the hosts into groups and <see cref="Heal"/> joins them again.
    /// </summary>
    /// <remarks>
    /// <para><b>Connections behave like TCP's</b>: a connect to a port nobody listens on fails at once with an
    /// <see cref="IOException"/> ("ConnectionRefused"); a connect across a link cut in either direction waits out its
    /// timeout and throws <see cref="TimeoutException"/>; a connect takes one round trip of the links' fixed delays.
    /// Frames on a connection arrive in order unless a fault reorders them. A writer waits (flow control) while more
    /// than <see cref="ReceiveWindowBytes"/> are unread at the other end, so a frozen reader stalls its writers as a
    /// full socket buffer would. Sending to an end that was closed throws <see cref="IOException"/> (a reset);
    /// closing an end makes the other one read the end of the stream after the frames already sent.</para>
    /// <para><b>Cuts</b>: a frame sent on a cut link, or still in flight when its link is cut at its due time,
    /// vanishes (a close too: the other end then learns of it only when it sends after the link is restored). Open
    /// connections survive a cut, as TCP connections do; it is up to the node to notice the silence.</para>
    /// <para><b>Determinism</b>: everything random comes from <see cref="Seed"/>. Each directed link draws from its own
    /// stream (SplitMix64 seeded from the network seed and the two host names) a fixed number of values per frame,
    /// so the n-th frame sent from host A to host B always meets the same fate for the same seed and faults,
    /// whatever happens on other links. Replaying a seed replays the fault pattern exactly for a deterministic
    /// sender; nodes, though, send frames driven by wall-clock timers and thread scheduling, and the delays here
    /// are served by a timer thread, so a replay of a cluster reproduces the same faults per link in the same
    /// order but not necessarily the same interleaving. Print the seed of every run (<see cref="ToString"/> does)
    /// so a failing run can be replayed with it.</para>
    /// <para><b>Cost</b>: a connection is two small queue objects; frames on a clean link (no delay, no faults) are
    /// handed to the reader without any timer. One background thread per network serves every delayed frame,
    /// so many nodes (hundreds or thousands in one process, with slowed timers) can share one network.</para>
    /// </remarks>
    public sealed class FaultInjectionNetwork : IDisposable
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, FaultInjectionTransport> _byName = new Dictionary<string, FaultInjectionTransport>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<IPAddress, FaultInjectionTransport> _byAddress = new Dictionary<IPAddress, FaultInjectionTransport>();
        private readonly List<FaultInjectionTransport> _hosts = new List<FaultInjectionTransport>();
        private readonly Dictionary<long, Link> _links = new Dictionary<long, Link>();
        private readonly long[] _counters = new long[(int)Counter.Count];
        private readonly DeliveryScheduler _scheduler;
        private volatile LinkFaults _defaultFaults = LinkFaults.None.Freeze();
        private int _receiveWindowBytes = 4 * 1024 * 1024;
        private volatile bool _disposed;

        /// <summary>A network whose faults follow <paramref name="seed"/>.</summary>
        public FaultInjectionNetwork(int seed)
        {
            Seed = seed;
            _scheduler = new DeliveryScheduler(Deliver);
        }

        /// <summary>A network with a fresh random seed (see <see cref="Seed"/> to replay it).</summary>
        public FaultInjectionNetwork()
            : this(NewSeed())
        {
        }

        /// <summary>The seed every random decision derives from; print it so a failing run can be replayed.</summary>
        public int Seed { get; }

        /// <summary>The faults of every link that has none of its own (<see cref="SetFaults"/>). Default: none.</summary>
        public LinkFaults DefaultFaults
        {
            get => _defaultFaults.Copy();
            set => _defaultFaults = (value ?? throw new ArgumentNullException(nameof(value))).Freeze();
        }

        /// <summary>
        /// Unread bytes per connection direction beyond which a writer waits, like a full socket buffer. Default 4 MiB.
        /// </summary>
        public int ReceiveWindowBytes
        {
            get => Volatile.Read(ref _receiveWindowBytes);
            set => Volatile.Write(ref _receiveWindowBytes, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The window must be positive."));
        }

        /// <summary>The hosts, in the order they were added.</summary>
        public IReadOnlyList<FaultInjectionTransport> Hosts
        {
            get
            {
                lock (_gate)
                    return _hosts.ToList();
            }
        }

        /// <summary>Frames waiting in the delay queue right now.</summary>
        public int FramesInFlight => _scheduler.Pending;

        /// <summary>
        /// Adds a host, or returns the existing one of that name (so a restarted node gets its old host back). The
        /// name must be 1–64 characters of A–Z, a–z, 0–9, '.', '_' and '-' and not an IP address; a NodeId is a
        /// good choice.
        /// </summary>
        public FaultInjectionTransport AddHost(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 64 || name.Any(c => !(c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))))
                throw new ArgumentException("A host name must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.", nameof(name));
            if (IPAddress.TryParse(name, out _) || string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{name}' is an address, not a host name.", nameof(name));
            ThrowIfDisposed();
            lock (_gate)
            {
                if (_byName.TryGetValue(name, out var existing))
                    return existing;
                var host = new FaultInjectionTransport(this, name, _hosts.Count + 1);
                _hosts.Add(host);
                _byName[name] = host;
                _byAddress[host.Address] = host;
                return host;
            }
        }

        /// <summary>The host of that name.</summary>
        /// <exception cref="ArgumentException">No such host.</exception>
        public FaultInjectionTransport GetHost(string name)
        {
            lock (_gate)
            {
                if (name is not null && _byName.TryGetValue(name, out var host))
                    return host;
            }

            throw new ArgumentException($"The network has no host named '{name}'.", nameof(name));
        }

        /// <summary>Gives a link its own faults (one way from <paramref name="from"/> to <paramref name="to"/>, or both ways).</summary>
        public void SetFaults(string from, string to, LinkFaults faults, LinkDirection direction = LinkDirection.Both)
        {
            var frozen = (faults ?? throw new ArgumentNullException(nameof(faults))).Freeze();
            foreach (var link in Links(from, to, direction))
                link.Faults = frozen;
        }

        /// <summary>Puts a link back on <see cref="DefaultFaults"/>.</summary>
        public void ResetFaults(string from, string to, LinkDirection direction = LinkDirection.Both)
        {
            foreach (var link in Links(from, to, direction))
                link.Faults = null;
        }

        /// <summary>Puts every link back on <see cref="DefaultFaults"/>.</summary>
        public void ResetAllFaults()
        {
            lock (_gate)
            {
                foreach (var link in _links.Values)
                    link.Faults = null;
            }
        }

        /// <summary>The faults in force from one host to another.</summary>
        public LinkFaults GetFaults(string from, string to) => (Link(GetHost(from), GetHost(to)).Faults ?? _defaultFaults).Copy();

        /// <summary>Cuts a link: frames vanish, connects time out. <see cref="LinkDirection.OneWay"/> cuts only from → to.</summary>
        public void Cut(string from, string to, LinkDirection direction = LinkDirection.Both)
        {
            foreach (var link in Links(from, to, direction))
                link.ManuallyCut = true;
        }

        /// <summary>Restores a link cut by <see cref="Cut"/> (partitions and isolation stay until <see cref="Heal"/>).</summary>
        public void Restore(string from, string to, LinkDirection direction = LinkDirection.Both)
        {
            foreach (var link in Links(from, to, direction))
                link.ManuallyCut = false;
        }

        /// <summary>Cuts a host off from every other host, both ways, until <see cref="Heal"/> or <see cref="Rejoin"/>.</summary>
        public void Isolate(string host) => GetHost(host).Isolated = true;

        /// <summary>Ends the isolation of one host.</summary>
        public void Rejoin(string host) => GetHost(host).Isolated = false;

        /// <summary>
        /// Splits the network: every link between hosts of different groups is cut both ways; links inside a group
        /// are untouched. Hosts named in no group keep all their links. Replaces any earlier partition (but not
        /// <see cref="Cut"/> or <see cref="Isolate"/>).
        /// </summary>
        /// <exception cref="ArgumentException">A host is unknown or named in two groups, or fewer than two groups were given.</exception>
        public void Partition(params IEnumerable<string>[] groups)
        {
            if (groups is null || groups.Length < 2)
                throw new ArgumentException("A partition needs at least two groups of host names.", nameof(groups));
            var assignment = new Dictionary<FaultInjectionTransport, int>();
            for (var g = 0; g < groups.Length; g++)
            {
                foreach (var name in groups[g] ?? throw new ArgumentException("A group is null.", nameof(groups)))
                {
                    var host = GetHost(name);
                    if (assignment.ContainsKey(host))
                        throw new ArgumentException($"Host '{name}' is named in more than one group.", nameof(groups));
                    assignment[host] = g + 1;
                }
            }

            lock (_gate)
            {
                foreach (var host in _hosts)
                    host.Group = assignment.TryGetValue(host, out var group) ? group : 0;
            }
        }

        /// <summary>Ends every partition, isolation and cut. Faults set on links stay.</summary>
        public void Heal()
        {
            lock (_gate)
            {
                foreach (var host in _hosts)
                {
                    host.Group = 0;
                    host.Isolated = false;
                }

                foreach (var link in _links.Values)
                    link.ManuallyCut = false;
            }
        }

        /// <summary>True when frames from <paramref name="from"/> to <paramref name="to"/> vanish right now.</summary>
        public bool IsCut(string from, string to) => IsCut(Link(GetHost(from), GetHost(to)));

        /// <summary>Counters of everything carried and injected so far.</summary>
        public FaultInjectionStatistics GetStatistics()
        {
            var values = new long[_counters.Length];
            for (var i = 0; i < values.Length; i++)
                values[i] = Interlocked.Read(ref _counters[i]);
            return new FaultInjectionStatistics(values);
        }

        /// <summary>
        /// Stops the delay thread; frames still delayed are lost. Stop the nodes first: afterwards nothing delayed
        /// is delivered and no host can listen.
        /// </summary>
        public void Dispose()
        {
            _disposed = true;
            _scheduler.Dispose();
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            int hosts;
            lock (_gate)
                hosts = _hosts.Count;
            return $"FaultInjectionNetwork seed {Seed}, {hosts} hosts, default faults: {_defaultFaults}";
        }

        internal void ThrowIfDisposed()
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(FaultInjectionNetwork));
        }

        private static int NewSeed()
        {
            var bytes = Guid.NewGuid().ToByteArray();
            return BitConverter.ToInt32(bytes, 0) & int.MaxValue;
        }

        private void Count(Counter counter, long amount = 1) => Interlocked.Add(ref _counters[(int)counter], amount);

        private List<Link> Links(string from, string to, LinkDirection direction)
        {
            var a = GetHost(from);
            var b = GetHost(to);
            var result = new List<Link> { Link(a, b) };
            if (direction == LinkDirection.Both)
                result.Add(Link(b, a));
            return result;
        }

        private Link Link(FaultInjectionTransport from, FaultInjectionTransport to)
        {
            var key = ((long)from.Index << 32) | (uint)to.Index;
            lock (_gate)
            {
                if (!_links.TryGetValue(key, out var link))
                    _links[key] = link = new Link(from, to, Seed);
                return link;
            }
        }

        private static bool IsCut(Link link)
        {
            var from = link.From;
            var to = link.To;
            if (link.ManuallyCut || from == to)
                return link.ManuallyCut;
            if (from.Isolated || to.Isolated)
                return true;
            int a = from.Group, b = to.Group;
            return a != 0 && b != 0 && a != b;
        }

        private FaultInjectionTransport? Resolve(FaultInjectionTransport from, string host)
        {
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                return from;
            lock (_gate)
            {
                if (IPAddress.TryParse(host, out var address))
                {
                    if (IPAddress.IsLoopback(address))
                        return from;
                    return _byAddress.TryGetValue(address, out var byAddress) ? byAddress : null;
                }

                return _byName.TryGetValue(host, out var byName) ? byName : null;
            }
        }

        internal async Task<IDsnConnection> ConnectAsync(FaultInjectionTransport from, DsnEndpoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfDisposed();
            var target = Resolve(from, endPoint.Host) ?? throw new IOException($"'{endPoint.Host}' resolved to no address.");
            var there = Link(from, target);
            var back = Link(target, from);
            var watch = Stopwatch.StartNew();

            // The SYN and the SYN-ACK: one round trip of the links' fixed delays (jitter would consume random draws).
            var roundTrip = TimeSpan.FromTicks(((there.Faults ?? _defaultFaults).Delay + (back.Faults ?? _defaultFaults).Delay).Ticks);
            if (roundTrip > TimeSpan.Zero)
                await Task.Delay(roundTrip < timeout ? roundTrip : timeout, cancellationToken).ConfigureAwait(false);

            if (IsCut(there) || IsCut(back))
                await TimeOut(endPoint, timeout, watch, cancellationToken).ConfigureAwait(false);

            var listener = target.FindListener(endPoint.Port);
            if (listener is null)
                throw Refused(endPoint, target);

            var toServer = new Pipe();
            var toClient = new Pipe();
            var client = new Connection(this, there, toClient, toServer, $"{target.Address}:{endPoint.Port}");
            var server = new Connection(this, back, toServer, toClient, $"{from.Address}:{from.NextClientPort()}");
            var problem = listener.TryEnqueue(server);
            if (problem == "refused")
                throw Refused(endPoint, target);
            if (problem is not null)
                await TimeOut(endPoint, timeout, watch, cancellationToken).ConfigureAwait(false); // a full backlog drops the SYN
            Count(Counter.ConnectionsAccepted);
            return client;
        }

        private Exception Refused(DsnEndpoint endPoint, FaultInjectionTransport target)
        {
            Count(Counter.ConnectsRefused);
            return new IOException($"Could not connect to {endPoint}: {target.Address}: ConnectionRefused.");
        }

        private async Task TimeOut(DsnEndpoint endPoint, TimeSpan timeout, Stopwatch watch, CancellationToken cancellationToken)
        {
            var left = timeout - watch.Elapsed;
            if (left > TimeSpan.Zero)
                await Task.Delay(left, cancellationToken).ConfigureAwait(false);
            Count(Counter.ConnectsTimedOut);
            throw new TimeoutException($"Connecting to {endPoint} did not finish within {timeout.TotalSeconds:0.###} s.");
        }

        /// <summary>Sends one frame from an end of a connection through its link.</summary>
        internal Task TransmitAsync(Connection sender, byte[] frame, CancellationToken cancellationToken)
        {
            Count(Counter.FramesSent);
            var pipe = sender.OutboundPipe;
            Task? wait;
            try
            {
                lock (pipe)
                    wait = Admit(sender, pipe, frame.Length);
            }
            catch (IOException reset)
            {
                return Task.FromException(reset);
            }

            if (wait is null)
            {
                Forward(sender, pipe, frame);
                return Task.CompletedTask;
            }

            return TransmitAfterWindowAsync(sender, pipe, frame, wait, cancellationToken);
        }

        private async Task TransmitAfterWindowAsync(Connection sender, Pipe pipe, byte[] frame, Task? wait, CancellationToken cancellationToken)
        {
            using (cancellationToken.Register(s => ((Pipe)s!).WakeAll(), pipe))
            {
                while (wait is not null)
                {
                    await wait.ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (sender.IsDisposed)
                        throw new ObjectDisposedException(nameof(Connection), "The connection is closed.");
                    lock (pipe)
                        wait = Admit(sender, pipe, frame.Length);
                }
            }

            Forward(sender, pipe, frame);
        }

        /// <summary>
        /// Under the pipe's lock: reserves room for a frame (null), or returns what to wait for when the window is
        /// full. Throws a reset when the other end has closed (unless the link is cut: then nothing can tell).
        /// </summary>
        private Task? Admit(Connection sender, Pipe pipe, int length)
        {
            if (pipe.ReaderClosed && !IsCut(sender.Outbound))
            {
                Count(Counter.ConnectionsReset);
                throw new IOException("The connection was reset by the peer.");
            }

            if (pipe.Buffered > 0 && pipe.Buffered + length > ReceiveWindowBytes && !pipe.ReaderClosed)
                return pipe.WaitWritableLocked();
            pipe.Buffered += length;
            return null;
        }

        /// <summary>Applies the link's faults to a frame whose room is reserved, then delivers or schedules it.</summary>
        private void Forward(Connection sender, Pipe pipe, byte[] frame)
        {
            var link = sender.Outbound;
            if (IsCut(link))
            {
                Count(Counter.FramesLostToCuts);
                pipe.Forget(frame.Length);
                return;
            }

            var faults = link.Faults ?? _defaultFaults;
            bool isProtected;
            lock (pipe)
                isProtected = pipe.FramesSent++ < faults.ProtectedFrames;

            long delay = 0;
            bool duplicate = false, reorder = false;
            if (!faults.IsClean)
            {
                double drop, corrupt, duplicateDraw, reorderDraw, jitter;
                ulong bit;
                lock (link)
                {
                    // Always the same draws per frame, so one fault's outcome never shifts the others' streams.
                    drop = link.NextDouble();
                    corrupt = link.NextDouble();
                    bit = link.NextBits();
                    duplicateDraw = link.NextDouble();
                    reorderDraw = link.NextDouble();
                    jitter = link.NextDouble();
                }

                delay = faults.DelayTicks + (long)(jitter * faults.JitterTicks);
                if (!isProtected)
                {
                    if (drop < faults.DropProbability)
                    {
                        Count(Counter.FramesDropped);
                        pipe.Forget(frame.Length);
                        return;
                    }

                    if (corrupt < faults.CorruptProbability && frame.Length > 0)
                    {
                        var index = (long)(bit % (ulong)(frame.Length * 8L));
                        frame[index / 8] ^= (byte)(1 << (int)(index % 8));
                        Count(Counter.FramesCorrupted);
                    }

                    duplicate = duplicateDraw < faults.DuplicateProbability;
                    reorder = reorderDraw < faults.ReorderProbability;
                }
            }

            if (reorder)
            {
                Count(Counter.FramesReordered);
                Count(Counter.FramesDelayed);
                _scheduler.Schedule(Stopwatch.GetTimestamp() + delay + faults.ReorderDelayTicks, new Delivery(link, pipe, frame, inOrder: false));
            }
            else
            {
                Enqueue(link, pipe, frame, delay);
            }

            if (duplicate)
            {
                lock (pipe)
                    pipe.Buffered += frame.Length;
                Count(Counter.FramesDuplicated);
                Enqueue(link, pipe, (byte[])frame.Clone(), delay);
            }
        }

        /// <summary>Delivers in order: inline when nothing is delayed ahead of it, else through the delay queue.</summary>
        private void Enqueue(Link link, Pipe pipe, byte[]? frame, long delay)
        {
            bool inline;
            long due;
            lock (pipe)
            {
                var now = Stopwatch.GetTimestamp();
                due = Math.Max(now + delay, pipe.LastDue);
                pipe.LastDue = due;
                inline = delay == 0 && pipe.Scheduled == 0;
                if (!inline)
                    pipe.Scheduled++;
            }

            if (inline)
            {
                Arrive(pipe, frame);
                return;
            }

            if (frame is not null)
                Count(Counter.FramesDelayed);
            if (!_scheduler.Schedule(due, new Delivery(link, pipe, frame, inOrder: true)) && frame is not null)
                pipe.Forget(frame.Length);
        }

        private void Deliver(Delivery delivery)
        {
            if (delivery.InOrder)
            {
                lock (delivery.Pipe)
                    delivery.Pipe.Scheduled--;
            }

            if (IsCut(delivery.Link))
            {
                Count(Counter.FramesLostToCuts);
                if (delivery.Frame is not null)
                    delivery.Pipe.Forget(delivery.Frame.Length);
                return;
            }

            Arrive(delivery.Pipe, delivery.Frame);
        }

        private void Arrive(Pipe pipe, byte[]? frame)
        {
            if (pipe.Arrive(frame))
            {
                if (frame is not null)
                {
                    Count(Counter.FramesDelivered);
                    Count(Counter.BytesDelivered, frame.Length);
                }
            }
            else if (frame is not null)
            {
                Count(Counter.FramesDiscardedClosed);
            }
        }

        /// <summary>An end was disposed: its reader stops, and the other end reads the end of the stream once the frames before it arrive.</summary>
        internal void Close(Connection connection)
        {
            var discarded = connection.Inbound.CloseReader();
            if (discarded > 0)
                Count(Counter.FramesDiscardedClosed, discarded);
            var outbound = connection.OutboundPipe;
            lock (outbound)
            {
                if (outbound.WriterClosed)
                    return;
                outbound.WriterClosed = true;
            }

            outbound.WakeAll();
            if (IsCut(connection.Outbound))
            {
                Count(Counter.FramesLostToCuts);
                return;
            }

            var faults = connection.Outbound.Faults ?? _defaultFaults;
            Enqueue(connection.Outbound, outbound, null, faults.DelayTicks);
        }
    }
}
