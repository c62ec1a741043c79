using System;
using System.Buffers.Binary;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Transport;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// A TCP connection to a node that can speak the framing (so the handshake runs over it) and also write any
    /// bytes at all: garbage, lying length headers. Unlike the transport's connection, cancelling a receive does
    /// not close the socket.
    /// </summary>
    internal sealed class RawConnection : IDsnConnection
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly SemaphoreSlim _writeLock = new SemaphoreSlim(1, 1);

        private RawConnection(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            RemoteAddress = socket.RemoteEndPoint?.ToString() ?? "unknown";
        }

        public static async Task<RawConnection> ConnectAsync(int port, int receiveBuffer = 0)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (receiveBuffer > 0)
                socket.ReceiveBufferSize = receiveBuffer;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return new RawConnection(socket);
        }

        public string RemoteAddress { get; }

        public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken = default)
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                await _stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        public Task SendAsync(ArraySegment<byte> frame, CancellationToken cancellationToken)
        {
            var buffer = new byte[4 + frame.Count];
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)frame.Count);
            Buffer.BlockCopy(frame.Array!, frame.Offset, buffer, 4, frame.Count);
            return SendRawAsync(buffer, cancellationToken);
        }

        public async Task<byte[]?> ReceiveAsync(int maxFrameBytes, CancellationToken cancellationToken)
        {
            var header = new byte[4];
            if (!await ReadExactlyAsync(header, cancellationToken))
                return null;
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > (uint)maxFrameBytes)
                throw new InvalidDataException($"A frame claims {length} bytes; the limit is {maxFrameBytes}.");
            var frame = new byte[length];
            if (!await ReadExactlyAsync(frame, cancellationToken))
                throw new EndOfStreamException();
            return frame;
        }

        private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    if (read == 0)
                        return false;
                    throw new EndOfStreamException();
                }

                read += n;
            }

            return true;
        }

        /// <summary>
        /// Reads (and discards) until the node closes the connection; true if it did within <paramref name="timeout"/>.
        /// A reset counts as closed.
        /// </summary>
        public async Task<bool> ClosedByPeerWithinAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    if (await _stream.ReadAsync(buffer, cancel.Token) == 0)
                        return true;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (IOException)
            {
                return true;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }

        public void Dispose()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception)
            {
                // already closed
            }

            _stream.Dispose();
        }
    }
}
