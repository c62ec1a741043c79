using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Benchmarks.Harness;
using DistributedState.Transport;

namespace DistributedState.Benchmarks.Scenarios
{
    /// <summary>
    /// Messages per node per write and rounds to converge for N = 100, 1,000, 10,000 on the simulated in-process
    /// transport of issue 5. Until that transport exists this reports "pending" (not a failure).
    /// </summary>
    internal static class ScaleScenario
    {
        public static Task<List<ScenarioResult>> RunAsync(Arguments args)
        {
            var simulated = typeof(IDsnTransport).Assembly.GetTypes()
                .Where(t => typeof(IDsnTransport).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface && t != typeof(TcpTransport))
                .Select(t => t.FullName)
                .ToList();
            var results = new List<ScenarioResult>();
            foreach (var n in args.Nodes(100, 1000, 10000))
            {
                var result = new ScenarioResult("scale", n) { Status = "pending" };
                result.Error = simulated.Count == 0
                    ? "not available yet: needs the simulated in-process transport (an IDsnTransport for simulation, issue 5); none exists in src/ yet"
                    : $"not available yet: found {string.Join(", ", simulated)} in src/, but the harness does not drive it yet";
                results.Add(result);
            }

            Progress.Say("scale: pending (no simulated transport)");
            return Task.FromResult(results);
        }
    }
}
