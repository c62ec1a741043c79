using System.Linq;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>DsnNode.GetEntry: one key by its exact name, the same entry GetEntries lists.</summary>
    public sealed class EntryLookupTests
    {
        [Fact]
        public async Task One_entry_is_read_by_its_exact_key_with_version_and_status()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            var b = await cluster.StartAsync("b", a);
            a.SetData("cpu", "12");
            a.SetData("disk", "80");
            await b.WaitForDataAsync("a", "disk", "80", TestCluster.Patience);

            var listed = b.GetEntries("a").Single(e => e.Key == "cpu");
            var found = b.GetEntry("a", "cpu");
            Assert.NotNull(found);
            Assert.Equal((listed.NodeId, listed.Key, listed.Value, listed.Version, listed.Status, listed.LastChange),
                (found!.NodeId, found.Key, found.Value, found.Version, found.Status, found.LastChange));
        }

        [Fact]
        public async Task An_absent_removed_or_differently_cased_key_is_null_and_an_unknown_member_throws()
        {
            await using var cluster = new TestCluster();
            var a = await cluster.StartAsync("a");
            a.SetData("cpu", "12");
            a.SetData("tmp", "1");
            a.RemoveData("tmp");

            Assert.Null(a.GetEntry("a", "never-set"));
            Assert.Null(a.GetEntry("a", "tmp"));
            Assert.Null(a.GetEntry("a", "CPU"));
            Assert.Throws<DsnNodeNotFoundException>(() => a.GetEntry("nobody", "cpu"));
        }
    }
}
