using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace DistributedState.Transport.FaultInjection
{
    /// <summary>
    /// The delay queue of a network: a binary heap ordered by due time (then by arrival, so equal times keep their
    /// order), served by one background thread that sleeps until the earliest entry is due.
    /// </summary>
    internal sealed class DeliveryScheduler : IDisposable
    {
        private readonly object _gate = new object();
        private readonly Action<Delivery> _deliver;
        private Entry[] _heap = new Entry[64];
        private int _count;
        private long _sequence;
        private Thread? _thread;
        private bool _disposed;

        public DeliveryScheduler(Action<Delivery> deliver) => _deliver = deliver;

        public int Pending
        {
            get
            {
                lock (_gate)
                    return _count;
            }
        }

        public bool Schedule(long due, Delivery delivery)
        {
            lock (_gate)
            {
                if (_disposed)
                    return false;
                if (_count == _heap.Length)
                    Array.Resize(ref _heap, _heap.Length * 2);
                var entry = new Entry(due, _sequence++, delivery);
                var i = _count++;
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (!entry.Before(_heap[parent]))
                        break;
                    _heap[i] = _heap[parent];
                    i = parent;
                }

                _heap[i] = entry;
                if (_thread is null)
                {
                    _thread = new Thread(Run) { IsBackground = true, Name = "FaultInjectionNetwork delays" };
                    _thread.Start();
                }
                else if (i == 0)
                {
                    Monitor.Pulse(_gate); // a new earliest entry: the thread may be sleeping too long
                }

                return true;
            }
        }

        private void Run()
        {
            var due = new List<Delivery>();
            while (true)
            {
                lock (_gate)
                {
                    while (true)
                    {
                        if (_disposed)
                            return;
                        if (_count == 0)
                        {
                            Monitor.Wait(_gate);
                            continue;
                        }

                        var now = Stopwatch.GetTimestamp();
                        var wait = _heap[0].Due - now;
                        if (wait <= 0)
                            break;
                        var ms = (int)Math.Min(int.MaxValue, (wait * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
                        Monitor.Wait(_gate, Math.Max(1, ms));
                    }

                    var limit = Stopwatch.GetTimestamp();
                    while (_count > 0 && _heap[0].Due <= limit)
                        due.Add(Pop());
                }

                foreach (var delivery in due)
                {
                    try
                    {
                        _deliver(delivery);
                    }
                    catch (Exception)
                    {
                        // A delivery only touches in-memory queues; nothing may stop the delay thread.
                    }
                }

                due.Clear();
            }
        }

        private Delivery Pop()
        {
            var top = _heap[0].Item;
            var last = _heap[--_count];
            _heap[_count] = default;
            var i = 0;
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= _count)
                    break;
                if (child + 1 < _count && _heap[child + 1].Before(_heap[child]))
                    child++;
                if (!_heap[child].Before(last))
                    break;
                _heap[i] = _heap[child];
                i = child;
            }

            if (_count > 0)
                _heap[i] = last;
            return top;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _count = 0;
                _heap = new Entry[1];
                Monitor.PulseAll(_gate);
            }
        }

        private readonly struct Entry
        {
            public Entry(long due, long sequence, Delivery item)
            {
                Due = due;
                Sequence = sequence;
                Item = item;
            }

            public long Due { get; }

            public long Sequence { get; }

            public Delivery Item { get; }

            public bool Before(Entry other) => Due < other.Due || (Due == other.Due && Sequence < other.Sequence);
        }
    }
}
