using System;
using System.IO;
using System.Net;
using BenchmarkDotNet.Attributes;

namespace DistributedState.Benchmarks.Micro
{
    /// <summary>
    /// What Set-DsnData costs the caller with and without a data directory: one node, one key of 100 keys rewritten per
    /// operation. The data directory's saves run on the node's save loop (at most every 50 ms), not on this thread; what
    /// shows here is the write path plus whatever the background signing and saving take from the same two cores.
    /// </summary>
    [MemoryDiagnoser]
    public class WritePathBenchmarks
    {
        private DsnNode _node = null!;
        private string _directory = string.Empty;
        private int _i;

        [Params(false, true)]
        public bool DataPath { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            _directory = Path.Combine(Path.GetTempPath(), "dsn-bench-" + Guid.NewGuid().ToString("N"));
            _node = DsnNode.StartAsync(new DsnNodeOptions
            {
                NodeId = "bench",
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = DsnNetworkKey.Generate(),
                PersistIdentity = DataPath,
                DataPath = DataPath ? _directory : null,
                LeaveOnProcessExit = false,
            }).GetAwaiter().GetResult();
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _node.Dispose();
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        [Benchmark]
        public void SetData()
        {
            var i = _i++;
            _node.SetData("k" + (i % 100).ToString(System.Globalization.CultureInfo.InvariantCulture), "value " + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
