using System;
using System.IO;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>
    /// A NodeId keeps its identity key after it leaves; moving it to a new key takes the operator's act of starting the
    /// node with its previous identity file (<see cref="DsnNodeOptions.ReplacedIdentityPath"/>), whose key signs the re-bind.
    /// </summary>
    public sealed class RebindTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "dsn-rebind-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }

        private DsnNodeOptions WithIdentity(DsnNodeOptions options, string file, string? replaced = null)
        {
            options.PersistIdentity = true;
            options.IdentityPath = Path.Combine(_directory, file);
            options.ReplacedIdentityPath = replaced is null ? null : Path.Combine(_directory, replaced);
            return options;
        }

        [Fact]
        public async Task A_new_key_for_a_departed_NodeId_is_refused_without_a_rebind_and_accepted_with_one_signed_by_the_old_key()
        {
            await using var cluster = new TestCluster();
            var monitor = await cluster.StartAsync("monitor");
            var web = await cluster.StartAsync(WithIdentity(cluster.Options("web01", monitor), "old.identity"));
            var oldKey = web.PublicKey;
            web.SetData("status", "old key");
            await monitor.WaitForDataAsync("web01", "status", "old key", TestCluster.Patience);
            await web.StopAsync();
            await monitor.WaitForPeerAsync("web01", DsnPeerStatus.Left, TestCluster.Patience);

            // Another key under the same NodeId, no re-bind: an impostor, whatever it claims.
            await Assert.ThrowsAnyAsync<Exception>(() => cluster.StartAsync(WithIdentity(cluster.Options("web01", monitor), "new.identity")));
            Assert.Equal(oldKey, monitor.GetPeer("web01")!.PublicKey);

            // The operator moves it: started with the new identity and the old file, it signs the re-bind with the old key.
            var moved = await cluster.StartAsync(WithIdentity(cluster.Options("web01", monitor), "new.identity", replaced: "old.identity"));
            Assert.NotEqual(oldKey, moved.PublicKey);
            moved.SetData("status", "new key");
            await monitor.WaitForDataAsync("web01", "status", "new key", TestCluster.Patience);
            await Eventually.HoldsAsync(() => monitor.GetPeer("web01")?.PublicKey == moved.PublicKey && monitor.GetPeer("web01")?.Status == DsnPeerStatus.Alive,
                "the monitor binds web01 to its new key", TestCluster.Patience);
        }
    }
}
