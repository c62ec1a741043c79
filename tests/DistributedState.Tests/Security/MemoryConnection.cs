using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using DistributedState.Transport;

namespace DistributedState.Tests.Security
{
    /// <summary>
    /// An in-memory <see cref="IDsnConnection"/>: two ends joined by a pair of channels. Disposing either end
    /// closes both directions, as a socket close does: the other end then receives null once it has read what was sent before. Every frame sent is
    /// recorded so a test can capture and replay it.
    /// </summary>
    internal sealed class MemoryConnection : IDsnConnection
    {
        private readonly Channel<byte[]> _incoming;
        private readonly Channel<byte[]> _outgoing;
        private int _disposed;

        private MemoryConnection(string name, Channel<byte[]> incoming, Channel<byte[]> outgoing)
        {
            RemoteAddress = name;
            _incoming = incoming;
            _outgoing = outgoing;
        }

        public static (MemoryConnection Initiator, MemoryConnection Responder) Pair()
        {
            var toResponder = Channel.CreateUnbounded<byte[]>();
            var toInitiator = Channel.CreateUnbounded<byte[]>();
            var initiator = new MemoryConnection("memory:responder", toInitiator, toResponder);
            var responder = new MemoryConnection("memory:initiator", toResponder, toInitiator);
            return (initiator, responder);
        }

        public string RemoteAddress { get; }

        /// <summary>Frames this end sent, in order.</summary>
        public ConcurrentQueue<byte[]> Sent { get; } = new ConcurrentQueue<byte[]>();

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsDisposed)
                throw new ObjectDisposedException(nameof(MemoryConnection));
            var copy = frame.AsSpan().ToArray();
            Sent.Enqueue((byte[])copy.Clone()); // the receiver may decrypt its copy in place
            if (!_outgoing.Writer.TryWrite(copy))
                throw new IOException("The connection is closed.");
            return Task.CompletedTask;
        }

        public async Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken)
        {
            if (IsDisposed)
                throw new ObjectDisposedException(nameof(MemoryConnection));
            if (!await _incoming.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                return null;
            if (!_incoming.Reader.TryRead(out var frame))
                return null;
            if (frame.Length > maxFrameBytes)
                throw new InvalidDataException($"A frame claims {frame.Length} bytes; the limit is {maxFrameBytes}.");
            return frame;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _outgoing.Writer.TryComplete();
            _incoming.Writer.TryComplete();
        }
    }
}
