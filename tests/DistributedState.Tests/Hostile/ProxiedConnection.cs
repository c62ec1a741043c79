using System;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace DistributedState.Tests.Hostile
{
    /// <summary>One connection through a <see cref="TcpProxy"/>: the client's side and the node's side, relayed both ways.</summary>
    internal sealed class ProxiedConnection : IDisposable
    {
        private readonly Socket _client;
        private readonly Socket _server;

        public ProxiedConnection(Socket client, Socket server)
        {
            _client = client;
            _server = server;
            var clientStream = new NetworkStream(client, ownsSocket: true);
            var serverStream = new NetworkStream(server, ownsSocket: true);
            ToTarget = new ProxyLink(clientStream, serverStream);
            FromTarget = new ProxyLink(serverStream, clientStream);
            Closed = Task.WhenAll(ToTarget.Start(Dispose), FromTarget.Start(Dispose));
        }

        /// <summary>Frames from the connecting side to the node behind the proxy.</summary>
        public ProxyLink ToTarget { get; }

        /// <summary>Frames from the node behind the proxy back to the connecting side.</summary>
        public ProxyLink FromTarget { get; }

        /// <summary>Completes once both directions have ended (either side closed the connection).</summary>
        public Task Closed { get; }

        public void Dispose()
        {
            _client.Dispose();
            _server.Dispose();
        }
    }
}
