using System;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Transport;

namespace DistributedState.Tests.Sessions
{
    /// <summary>A connection declared lossy, as the fault-injection transport's are: a session over it tolerates gaps and bad frames.</summary>
    internal sealed class LossyConnection : ILossyConnection
    {
        private readonly IDsnConnection _inner;

        public LossyConnection(IDsnConnection inner) => _inner = inner;

        public string RemoteAddress => _inner.RemoteAddress;

        public Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken) => _inner.SendAsync(frame, cancellationToken);

        public Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken) => _inner.ReceiveAsync(maxFrameBytes, cancellationToken);

        public void Dispose() => _inner.Dispose();
    }
}
