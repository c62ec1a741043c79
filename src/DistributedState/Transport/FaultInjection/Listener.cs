using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport.FaultInjection
{
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
}
