using System;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    public class BlockingWaitTests
    {
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

        [Fact]
        public void Returns_the_result_and_ticks_on_the_calling_thread_while_waiting()
        {
            var source = new TaskCompletionSource<int>();
            var caller = Environment.CurrentManagedThreadId;
            var ticks = 0;
            var result = BlockingWait.Wait(source.Task, Tick, _ =>
            {
                Assert.Equal(caller, Environment.CurrentManagedThreadId);
                if (++ticks == 3) source.SetResult(42);
            });
            Assert.Equal(42, result);
            Assert.True(ticks >= 3);
        }

        [Fact]
        public void Completed_tasks_do_not_tick() =>
            Assert.Equal(1, BlockingWait.Wait(Task.FromResult(1), Tick, _ => throw new InvalidOperationException("ticked")));

        [Fact]
        public void Throws_the_tasks_own_exception_not_an_AggregateException()
        {
            var ex = Assert.Throws<TimeoutException>(() => BlockingWait.Wait(Task.FromException(new TimeoutException("late")), Tick, null));
            Assert.Equal("late", ex.Message);
        }

        [Fact]
        public void Cancellation_surfaces_as_OperationCanceledException()
        {
            using var cts = new CancellationTokenSource();
            var task = Task.Delay(Timeout.Infinite, cts.Token);
            Assert.ThrowsAny<OperationCanceledException>(() => BlockingWait.Wait(task, Tick, _ => cts.Cancel()));
        }
    }
}
