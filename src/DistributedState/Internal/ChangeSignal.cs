using System;
using System.Threading;
using System.Threading.Tasks;

namespace DistributedState.Internal
{
    /// <summary>Wakes waiters whenever something changes, so waits test their condition instead of sleeping.</summary>
    internal sealed class ChangeSignal
    {
        private TaskCompletionSource<bool> _next = NewSource();
        private long _generation;

        /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
        public Task Next => Volatile.Read(ref _next).Task;

        /// <summary>Grows at every pulse: anything derived from the view may be cached until it moves.</summary>
        public long Generation => Interlocked.Read(ref _generation);

        public void Pulse()
        {
            Interlocked.Increment(ref _generation);
            Interlocked.Exchange(ref _next, NewSource()).TrySetResult(true);
        }

        /// <summary>Waits until <paramref name="condition"/> returns a result or the timeout passes.</summary>
        public async Task<T> WaitAsync<T>(Func<T?> condition, TimeSpan timeout, string description, CancellationToken cancellationToken)
            where T : class
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var next = Next;
                var result = condition();
                if (result is not null)
                    return result;
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                    throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting until {description}.");
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var finished = await Task.WhenAny(next, Task.Delay(remaining, cancel.Token)).ConfigureAwait(false);
                cancel.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        private static TaskCompletionSource<bool> NewSource() =>
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
