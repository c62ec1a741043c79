using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// One direction of a connection: frames in flight and waiting to be read, with TCP-like flow control
    /// (a writer waits while more than the network's receive window is unread).
    /// </summary>
    internal sealed class Pipe
    {
        private readonly Queue<byte[]> _ready = new Queue<byte[]>();
        private TaskCompletionSource<bool>? _readable;
        private TaskCompletionSource<bool>? _writable;
        private bool _endOfStream;

        /// <summary>Bytes accepted from the writer and neither read nor discarded yet.</summary>
        public long Buffered;

        /// <summary>When the last in-order frame is due (stopwatch ticks): later frames are never due before it.</summary>
        public long LastDue;

        /// <summary>In-order frames waiting in the delay queue; while any do, nothing may be delivered inline.</summary>
        public int Scheduled;

        /// <summary>Frames the writer has sent (for <see cref="LinkFaults.ProtectedFrames"/>).</summary>
        public long FramesSent;

        /// <summary>The receiving end was disposed: further frames are discarded and the writer gets a reset.</summary>
        public bool ReaderClosed;

        /// <summary>The sending end was disposed.</summary>
        public bool WriterClosed;

        /// <summary>Puts an arrived frame (null: the writer's close) in the read queue. Returns false if the reader has gone.</summary>
        public bool Arrive(byte[]? frame)
        {
            TaskCompletionSource<bool>? wake;
            lock (this)
            {
                if (ReaderClosed)
                {
                    if (frame is not null)
                        Buffered -= frame.Length;
                    return false;
                }

                if (frame is null)
                    _endOfStream = true;
                else
                    _ready.Enqueue(frame);
                wake = _readable;
                _readable = null;
            }

            wake?.TrySetResult(true);
            return true;
        }

        /// <summary>A frame that will never arrive (dropped, cut): it no longer counts against the window.</summary>
        public void Forget(int length)
        {
            TaskCompletionSource<bool>? wake;
            lock (this)
            {
                Buffered -= length;
                wake = _writable;
                _writable = null;
            }

            wake?.TrySetResult(true);
        }

        /// <summary>
        /// Takes the next frame if there is one; otherwise returns a task that completes when something changes.
        /// <paramref name="closed"/> reports the end of the stream.
        /// </summary>
        public byte[]? TryTake(out Task? wait, out bool closed)
        {
            TaskCompletionSource<bool>? wake = null;
            byte[]? frame = null;
            wait = null;
            closed = false;
            lock (this)
            {
                if (_ready.Count > 0)
                {
                    frame = _ready.Dequeue();
                    Buffered -= frame.Length;
                    wake = _writable;
                    _writable = null;
                }
                else if (_endOfStream || ReaderClosed)
                {
                    closed = true;
                }
                else
                {
                    _readable ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _readable.Task;
                }
            }

            wake?.TrySetResult(true);
            return frame;
        }

        /// <summary>Under the pipe's lock: a task that completes when the window may have room again.</summary>
        public Task WaitWritableLocked()
        {
            _writable ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _writable.Task;
        }

        /// <summary>Wakes whoever waits on this pipe (cancellation, disposal).</summary>
        public void WakeAll()
        {
            TaskCompletionSource<bool>? readable, writable;
            lock (this)
            {
                readable = _readable;
                writable = _writable;
                _readable = null;
                _writable = null;
            }

            readable?.TrySetResult(true);
            writable?.TrySetResult(true);
        }

        /// <summary>The receiving end closed: drop what waits unread. Returns how many frames were discarded.</summary>
        public int CloseReader()
        {
            int discarded;
            lock (this)
            {
                ReaderClosed = true;
                discarded = _ready.Count;
                _ready.Clear();
                Buffered = 0;
            }

            WakeAll();
            return discarded;
        }
    }
}
