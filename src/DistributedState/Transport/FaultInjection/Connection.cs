using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>One end of an in-memory connection, whose links may drop, repeat, reorder and corrupt frames (<see cref="ILossyConnection"/>).</summary>
    internal sealed class Connection : ILossyConnection
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
}
