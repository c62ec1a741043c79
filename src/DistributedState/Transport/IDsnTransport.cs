using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport
{
    /// <summary>
    /// The network a node runs on: TCP by default (<see cref="TcpTransport"/>). A transport moves whole frames;
    /// everything above it (authentication, encryption, membership) is the same whatever the transport.
    /// </summary>
    public interface IDsnTransport
    {
        /// <summary>Starts listening; port 0 picks a free port.</summary>
        Task<IDsnListener> ListenAsync(IPAddress address, int port, CancellationToken cancellationToken);

        /// <summary>Opens a connection to an endpoint, failing after <paramref name="timeout"/>.</summary>
        Task<IDsnConnection> ConnectAsync(DsnEndpoint endPoint, TimeSpan timeout, CancellationToken cancellationToken);
    }

    /// <summary>A listening endpoint of a transport.</summary>
    public interface IDsnListener : IDisposable
    {
        /// <summary>The address and port actually bound.</summary>
        IPEndPoint LocalEndPoint { get; }

        /// <summary>Waits for the next inbound connection.</summary>
        Task<IDsnConnection> AcceptAsync(CancellationToken cancellationToken);
    }

    /// <summary>
    /// A connection that carries whole frames in both directions. One reader and one writer may use it at
    /// the same time; disposing it makes both fail. Frames arrive as TCP delivers bytes: each once, intact and in the
    /// order sent. A session closes on any frame that is missing, repeated, reordered or altered, since on such a
    /// connection only someone on the path can have done that.
    /// </summary>
    public interface IDsnConnection : IDisposable
    {
        /// <summary>The remote address, for logs.</summary>
        string RemoteAddress { get; }

        /// <summary>Sends one frame.</summary>
        Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken);

        /// <summary>
        /// Receives one frame, or null when the peer closed the connection. A frame claiming more than
        /// <paramref name="maxFrameBytes"/> throws <see cref="System.IO.InvalidDataException"/> before anything is allocated for it.
        /// </summary>
        Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken);
    }
}
