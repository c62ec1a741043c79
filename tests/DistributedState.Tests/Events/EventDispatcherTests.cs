using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.Events;
using DistributedState.Internal;
using DistributedState.Logging;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Events
{
    public sealed class EventDispatcherTests
    {
        private sealed class NumberArgs : EventArgs
        {
            public NumberArgs(int number) => Number = number;

            public int Number { get; }
        }

        /// <summary>A source with one event, as the node has four.</summary>
        private sealed class Source
        {
            public readonly CapturingLog Log = new CapturingLog();
            public readonly Counters Counters = new Counters();
            public readonly EventDispatcher Dispatcher;

            public Source(int capacity = 1000) =>
                Dispatcher = new EventDispatcher(this, "test", capacity, new NodeLog(Log, "test"), Counters);

            public event EventHandler<NumberArgs>? Numbered;

            public void Post(int number) => Dispatcher.Post(() => Numbered, new NumberArgs(number));

            public long Count(string counter) => Counters.Snapshot().TryGetValue(counter, out var value) ? value : 0;
        }

        [Fact]
        public async Task Raises_events_in_order_on_one_dedicated_thread_that_is_not_the_pool()
        {
            var source = new Source();
            var numbers = new ConcurrentQueue<int>();
            var threads = new ConcurrentDictionary<int, bool>();
            var senders = new ConcurrentBag<object?>();
            source.Numbered += (sender, e) =>
            {
                numbers.Enqueue(e.Number);
                threads[Environment.CurrentManagedThreadId] = Thread.CurrentThread.IsThreadPoolThread;
                senders.Add(sender);
            };
            for (var i = 0; i < 1000; i++)
                source.Post(i);
            await source.Dispatcher.CompleteAsync(fromHandler: false);

            Assert.Equal(Enumerable.Range(0, 1000), numbers);
            var thread = Assert.Single(threads);
            Assert.NotEqual(Environment.CurrentManagedThreadId, thread.Key);
            Assert.False(thread.Value, "handlers must not run on (and hold) a thread-pool thread");
            Assert.All(senders, s => Assert.Same(source, s));
            Assert.Equal(1000, source.Count("events.raised"));
        }

        [Fact]
        public async Task Overflow_while_a_handler_blocks_is_dropped_and_counted_and_posting_never_waits()
        {
            var source = new Source(capacity: 10);
            using var entered = new ManualResetEventSlim();
            using var gate = new ManualResetEventSlim();
            var numbers = new ConcurrentQueue<int>();
            source.Numbered += (_, e) =>
            {
                entered.Set();
                gate.Wait();
                numbers.Enqueue(e.Number);
            };
            source.Post(0);
            Assert.True(entered.Wait(TestCluster.Patience), "the first event reached the handler");

            for (var i = 1; i <= 15; i++)
                source.Post(i); // returns at once although the handler is blocked: 10 fit, 5 are dropped
            Assert.Equal(5, source.Count("events.dropped"));

            gate.Set();
            await source.Dispatcher.CompleteAsync(fromHandler: false);
            Assert.Equal(Enumerable.Range(0, 11), numbers);
        }

        [Fact]
        public async Task A_throwing_handler_is_logged_once_and_the_handlers_after_it_still_see_every_event()
        {
            var source = new Source();
            var first = new ConcurrentQueue<int>();
            var third = new ConcurrentQueue<int>();
            source.Numbered += (_, e) => first.Enqueue(e.Number);
            source.Numbered += Throwing;
            source.Numbered += (_, e) => third.Enqueue(e.Number);
            for (var i = 0; i < 100; i++)
                source.Post(i);
            await source.Dispatcher.CompleteAsync(fromHandler: false);

            Assert.Equal(Enumerable.Range(0, 100), first);
            Assert.Equal(Enumerable.Range(0, 100), third);
            Assert.Equal(100, source.Count("events.handler.faults"));
            var logged = source.Log.Lines.Where(l => l.Contains("threw")).ToList();
            var line = Assert.Single(logged);
            Assert.Contains(typeof(EventDispatcherTests).FullName + "." + nameof(Throwing), line);
        }

        [Fact]
        public async Task A_handler_removed_before_its_event_is_raised_does_not_receive_it()
        {
            var source = new Source();
            using var entered = new ManualResetEventSlim();
            using var gate = new ManualResetEventSlim();
            var late = new ConcurrentQueue<int>();
            EventHandler<NumberArgs> removed = (_, e) => late.Enqueue(e.Number);
            source.Numbered += (_, e) =>
            {
                entered.Set();
                gate.Wait();
            };
            source.Numbered += removed;
            source.Post(0);
            Assert.True(entered.Wait(TestCluster.Patience));
            source.Post(1);
            source.Numbered -= removed; // as Unregister-Event does while events are still queued
            gate.Set();
            await source.Dispatcher.CompleteAsync(fromHandler: false);
            Assert.Equal(new[] { 0 }, late);
        }

        [Fact]
        public async Task Completing_a_dispatcher_that_never_raised_returns_at_once_and_later_posts_are_counted_as_dropped()
        {
            var source = new Source();
            await source.Dispatcher.CompleteAsync(fromHandler: false).WaitAsync(TestCluster.Patience);
            source.Numbered += (_, _) => { };
            source.Post(1);
            Assert.Equal(1, source.Count("events.dropped"));
        }

        private static void Throwing(object? sender, NumberArgs e) => throw new InvalidOperationException("handler bug " + e.Number);
    }
}
