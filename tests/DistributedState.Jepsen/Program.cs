using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Jepsen.Common;
using DistributedState.Jepsen.Controller;
using DistributedState.Jepsen.Node;

namespace DistributedState.Jepsen
{
    internal static class Program
    {
        private const string Usage =
            "usage: DistributedState.Jepsen run [--seed N | --seeds A,B,…] [--long [--fault-seconds S]] [--nodes 7] [--out DIR] [--require]\n" +
            "       DistributedState.Jepsen schedule [--seed N] [--long [--fault-seconds S]] [--nodes 7]\n" +
            "       DistributedState.Jepsen node …   (started by run, inside a network namespace)\n" +
            "See docs/reliability.md, \"Faults on a real network\".";

        public static async Task<int> Main(string[] args)
        {
            try
            {
                var rest = args.Skip(1).ToArray();
                switch (args.FirstOrDefault())
                {
                    case "run":
                        return await RunCommand.RunAsync(rest).ConfigureAwait(false);
                    case "node":
                        return await NodeRole.RunAsync(rest).ConfigureAwait(false);
                    case "schedule":
                        var options = new Arguments(rest, "long");
                        var seed = options.Number("seed", 1);
                        var nodes = (int)options.Number("nodes", 7);
                        var schedule = options.Flag("long")
                            ? FaultSchedule.Long(seed, nodes, TimeSpan.FromSeconds(options.Number("fault-seconds", (long)RunCommand.LongFaultTime.TotalSeconds)))
                            : FaultSchedule.Short(seed, nodes);
                        options.RejectUnknown();
                        Console.Write(schedule.Describe());
                        return 0;
                    default:
                        Console.Error.WriteLine(Usage);
                        return 64;
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return 64;
            }
        }
    }
}
