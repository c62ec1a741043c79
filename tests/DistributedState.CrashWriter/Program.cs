using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading.Tasks;
using DistributedState;

namespace DistributedState.CrashWriter
{
    /// <summary>
    /// Arguments: data directory, network key (hex). Starts node "writer" with that data directory, prints
    /// "ready &lt;seq&gt;" with the sequence number it restored, then writes forever: write n sets seq, a and b to n in one
    /// call (all or none) and pad-(n mod 50) to "n:" plus 16 KiB, so the state file is ~800 KiB and each save takes long
    /// enough for a kill to land inside it. The parent kills it with SIGKILL and checks that the file loads and holds the
    /// state after some write n, whole (see WriterState.Check in the test).
    /// </summary>
    public static class Program
    {
        public const int PadKeys = 50;
        public const int PadBytes = 16 * 1024;

        public static async Task<int> Main(string[] args)
        {
            var options = new DsnNodeOptions
            {
                NodeId = "writer",
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = DsnNetworkKey.Parse(args[1]),
                DataPath = args[0],
                LeaveOnProcessExit = false,
            };
            var node = await DsnNode.StartAsync(options);
            var seq = long.Parse(node.GetData("writer", "seq") ?? "0", CultureInfo.InvariantCulture);
            Console.WriteLine("ready " + seq.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
            var filler = new string('x', PadBytes);
            while (true)
            {
                seq++;
                var n = seq.ToString(CultureInfo.InvariantCulture);
                node.SetData(new[]
                {
                    new KeyValuePair<string, string>("seq", n),
                    new KeyValuePair<string, string>("a", n),
                    new KeyValuePair<string, string>("b", n),
                    new KeyValuePair<string, string>("pad-" + (seq % PadKeys).ToString(CultureInfo.InvariantCulture), n + ":" + filler),
                });
                if (seq % 4 == 0)
                    await Task.Delay(1); // ~4,000 writes a second: a busy writer, not a spinning one
            }
        }
    }
}
