using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// An attacker on the path: a TCP relay on 127.0.0.1 in front of one node. Every connection made to it is
    /// passed on to the node frame by frame (it reads the transport's length prefix), and each direction can be
    /// recorded, have a frame deleted or get frames injected (<see cref="ProxiedConnection"/>).
    /// </summary>
    internal sealed class TcpProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly int _targetPort;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly List<ProxiedConnection> _connections = new List<ProxiedConnection>();

        private TcpProxy(int targetPort)
        {
            _targetPort = targetPort;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }

        /// <summary>A proxy in front of <paramref name="target"/>.</summary>
        public static TcpProxy For(DsnNode target) => new TcpProxy(target.LocalEndPoint.Port);

        public DsnEndpoint Endpoint => new DsnEndpoint("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

        public IReadOnlyList<ProxiedConnection> Connections
        {
            get
            {
                lock (_connections)
                    return _connections.ToList();
            }
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                client.NoDelay = true;
                try
                {
                    await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), _stop.Token);
                }
                catch (Exception)
                {
                    server.Dispose();
                    client.Dispose();
                    continue;
                }

                lock (_connections)
                    _connections.Add(new ProxiedConnection(client, server));
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            foreach (var connection in Connections)
                connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
