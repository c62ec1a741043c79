using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace DistributedState.Tests.Support
{
    /// <summary>Waits for a condition with a deadline, polling; never a fixed sleep standing in for a condition.</summary>
    public static class Eventually
    {
        public static async Task HoldsAsync(Func<bool> condition, string description, TimeSpan? timeout = null)
        {
            var limit = timeout ?? TestCluster.Patience;
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > limit)
                    throw new XunitException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {description}.");
                await Task.Delay(5);
            }
        }
    }
}
