using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Tests.Hostile
{
    /// <summary>
    /// One direction of a <see cref="ProxiedConnection"/>: relays whole frames, records each one as it arrived, and
    /// on request deletes the next frame or writes a forged one between two genuine ones.
    /// </summary>
    internal sealed class ProxyLink
    {
        private readonly Stream _from;
        private readonly Stream _to;
        private readonly SemaphoreSlim _writeLock = new SemaphoreSlim(1, 1);
        private readonly List<byte[]> _frames = new List<byte[]>();
        private int _dropNext;
        private TaskCompletionSource<byte[]>? _dropped;

        public ProxyLink(Stream from, Stream to)
        {
            _from = from;
            _to = to;
        }

        /// <summary>Every frame that arrived in this direction (relayed or deleted), in order, as it was on the wire.</summary>
        public IReadOnlyList<byte[]> Frames
        {
            get
            {
                lock (_frames)
                    return _frames.ToList();
            }
        }

        /// <summary>Deletes the next frame that arrives; the task completes with it once it has been deleted.</summary>
        public Task<byte[]> DropNextFrame()
        {
            var dropped = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            _dropped = dropped;
            Volatile.Write(ref _dropNext, 1);
            return dropped.Task;
        }

        /// <summary>Writes <paramref name="frame"/> (the payload; the length prefix is added) between two relayed frames.</summary>
        public async Task InjectAsync(byte[] frame)
        {
            await _writeLock.WaitAsync();
            try
            {
                await WriteFrameAsync(frame);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        internal Task Start(Action onEnd) => Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var frame = await ReadFrameAsync();
                    if (frame is null)
                        return;
                    lock (_frames)
                        _frames.Add(frame);
                    if (Interlocked.Exchange(ref _dropNext, 0) == 1)
                    {
                        _dropped!.TrySetResult(frame);
                        continue;
                    }

                    await InjectAsync(frame);
                }
            }
            catch (Exception)
            {
                // Either side closed or reset the connection.
            }
            finally
            {
                onEnd();
            }
        });

        private async Task WriteFrameAsync(byte[] frame)
        {
            var buffer = new byte[4 + frame.Length];
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)frame.Length);
            frame.CopyTo(buffer, 4);
            await _to.WriteAsync(buffer);
        }

        private async Task<byte[]?> ReadFrameAsync()
        {
            var header = new byte[4];
            if (!await ReadExactlyAsync(header))
                return null;
            var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
            return await ReadExactlyAsync(frame) ? frame : throw new EndOfStreamException();
        }

        private async Task<bool> ReadExactlyAsync(byte[] buffer)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await _from.ReadAsync(buffer.AsMemory(read));
                if (n == 0)
                    return false;
                read += n;
            }

            return true;
        }
    }
}
