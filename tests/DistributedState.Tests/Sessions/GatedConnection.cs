using System;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Transport;

namespace DistributedState.Tests.Sessions
{
    /// <summary>
    /// Wraps a connection so a test can hold every send (a peer that stopped reading, a full socket buffer) and let
    /// them go again.
    /// </summary>
    internal sealed class GatedConnection : IDsnConnection
    {
        private readonly IDsnConnection _inner;
        private volatile TaskCompletionSource<bool>? _held;
        private int _sendsStarted;

        public GatedConnection(IDsnConnection inner) => _inner = inner;

        public string RemoteAddress => _inner.RemoteAddress;

        /// <summary>Sends begun so far, held or not.</summary>
        public int SendsStarted => Volatile.Read(ref _sendsStarted);

        /// <summary>Every send from now on waits until <see cref="Release"/>.</summary>
        public void Hold() => _held = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _held?.TrySetResult(true);

        public async Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sendsStarted);
            var held = _held;
            if (held is not null)
                await held.Task.WaitAsync(cancellationToken);
            await _inner.SendAsync(frame, cancellationToken);
        }

        public Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken) => _inner.ReceiveAsync(maxFrameBytes, cancellationToken);

        public void Dispose()
        {
            Release();
            _inner.Dispose();
        }
    }
}
