using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Transport;

namespace DistributedState.Tests.Hostile
{
    /// <summary>A connection that keeps a copy of every frame it sends: what an eavesdropper captures of one side.</summary>
    internal sealed class RecordingConnection : IDsnConnection
    {
        private readonly IDsnConnection _inner;

        public RecordingConnection(IDsnConnection inner) => _inner = inner;

        public List<byte[]> Sent { get; } = new List<byte[]>();

        public string RemoteAddress => _inner.RemoteAddress;

        public Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken)
        {
            Sent.Add(frame.AsSpan().ToArray());
            return _inner.SendAsync(frame, cancellationToken);
        }

        public Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken) => _inner.ReceiveAsync(maxFrameBytes, cancellationToken);

        public void Dispose() => _inner.Dispose();
    }
}
