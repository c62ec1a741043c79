using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Transport
{
    /// <summary>
    /// The default transport: TCP with Nagle's algorithm off, each frame preceded by its length as a big-endian
    /// 32-bit integer.
    /// </summary>
    public sealed class TcpTransport : IDsnTransport
    {
        /// <summary>The shared instance; the transport holds no state.</summary>
        public static TcpTransport Instance { get; } = new TcpTransport();

        /// <inheritdoc/>
        public Task<IDsnListener> ListenAsync(IPAddress address, int port, CancellationToken cancellationToken)
        {
            var listener = new TcpListener(address, port);
            if (address.Equals(IPAddress.IPv6Any))
                listener.Server.DualMode = true;
            listener.Start(512);
            return Task.FromResult<IDsnListener>(new Listener(listener));
        }

        /// <inheritdoc/>
        public async Task<IDsnConnection> ConnectAsync(DsnEndpoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            IPAddress[] addresses;
            if (IPAddress.TryParse(endPoint.Host, out var literal))
                addresses = new[] { literal };
            else
                addresses = await WithCancellation(Dns.GetHostAddressesAsync(endPoint.Host), null, deadline.Token, endPoint, timeout).ConfigureAwait(false);

            var failures = new List<string>();
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await WithCancellation(socket.ConnectAsync(address, endPoint.Port), socket, deadline.Token, endPoint, timeout).ConfigureAwait(false);
                    return new Connection(socket);
                }
                catch (SocketException error)
                {
                    socket.Dispose();
                    failures.Add($"{address}: {error.SocketErrorCode}");
                }
            }

            throw failures.Count == 0
                ? new IOException($"'{endPoint.Host}' resolved to no address.")
                : new IOException($"Could not connect to {endPoint}: {string.Join(", ", failures)}.");
        }

        /// <summary>Waits for a socket operation that netstandard2.0 cannot cancel, closing the socket on timeout.</summary>
        private static async Task<T> WithCancellation<T>(Task<T> operation, Socket? socket, CancellationToken token, DsnEndpoint endPoint, TimeSpan timeout)
        {
            using (token.Register(() => socket?.Dispose()))
            {
                var finished = await Task.WhenAny(operation, Task.Delay(Timeout.Infinite, token)).ConfigureAwait(false);
                if (finished != operation)
                {
                    socket?.Dispose();
                    _ = operation.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observe the late failure
                    throw new TimeoutException($"Connecting to {endPoint} did not finish within {timeout.TotalSeconds:0.###} s.");
                }

                return await operation.ConfigureAwait(false);
            }
        }

        private static Task WithCancellation(Task operation, Socket socket, CancellationToken token, DsnEndpoint endPoint, TimeSpan timeout) =>
            WithCancellation(operation.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), socket, token, endPoint, timeout);

        private sealed class Listener : IDsnListener
        {
            private readonly TcpListener _listener;

            public Listener(TcpListener listener) => _listener = listener;

            public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

            public async Task<IDsnConnection> AcceptAsync(CancellationToken cancellationToken)
            {
                using (cancellationToken.Register(() => _listener.Stop()))
                {
                    try
                    {
                        var socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
                        socket.NoDelay = true;
                        return new Connection(socket);
                    }
                    catch (Exception) when (cancellationToken.IsCancellationRequested)
                    {
                        throw new OperationCanceledException(cancellationToken);
                    }
                }
            }

            public void Dispose() => _listener.Stop();
        }

        private sealed class Connection : IDsnConnection
        {
            private readonly Socket _socket;
            private readonly NetworkStream _stream;
            private readonly byte[] _header = new byte[4];

            // One cancellation registration per direction for as long as the caller passes the same token (a
            // session passes its lifetime token): registering per frame would cost an allocation and a lock each.
            private CancellationTokenRegistration _sendRegistration;
            private CancellationToken _sendToken;
            private CancellationTokenRegistration _receiveRegistration;
            private CancellationToken _receiveToken;

            public Connection(Socket socket)
            {
                _socket = socket;
                _stream = new NetworkStream(socket, ownsSocket: true);
                RemoteAddress = socket.RemoteEndPoint?.ToString() ?? "unknown";
            }

            public string RemoteAddress { get; }

            public async Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken)
            {
                var buffer = new byte[4 + frame.Count];
                BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(buffer, 0, 4), (uint)frame.Count);
                Buffer.BlockCopy(frame.Array!, frame.Offset, buffer, 4, frame.Count);
                if (!cancellationToken.Equals(_sendToken))
                {
                    _sendRegistration.Dispose();
                    _sendToken = cancellationToken;
                    _sendRegistration = cancellationToken.Register(Dispose);
                }

                await _stream.WriteAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            }

            public async Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken)
            {
                if (!cancellationToken.Equals(_receiveToken))
                {
                    _receiveRegistration.Dispose();
                    _receiveToken = cancellationToken;
                    _receiveRegistration = cancellationToken.Register(Dispose);
                }

                if (!await ReadExactlyAsync(_header, 4, cancellationToken).ConfigureAwait(false))
                    return null;
                var length = BinaryPrimitives.ReadUInt32BigEndian(_header);
                if (length > (uint)maxFrameBytes)
                    throw new InvalidDataException($"A frame claims {length} bytes; the limit is {maxFrameBytes}.");
                var frame = new byte[length];
                if (!await ReadExactlyAsync(frame, (int)length, cancellationToken).ConfigureAwait(false))
                    throw new EndOfStreamException("The connection closed in the middle of a frame.");
                return frame;
            }

            /// <summary>False when the peer closed before the first byte.</summary>
            private async Task<bool> ReadExactlyAsync(byte[] buffer, int count, CancellationToken cancellationToken)
            {
                var read = 0;
                while (read < count)
                {
                    var n = await _stream.ReadAsync(buffer, read, count - read, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        if (read == 0)
                            return false;
                        throw new EndOfStreamException("The connection closed in the middle of a frame.");
                    }

                    read += n;
                }

                return true;
            }

            public void Dispose()
            {
                try
                {
                    _socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception)
                {
                    // Already closed or never connected: nothing to shut down.
                }

                _stream.Dispose();
                _sendRegistration.Dispose();
                _receiveRegistration.Dispose();
            }
        }
    }
}
