using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>
    /// What a process exit (or SIGTERM) does to the nodes still running, driven in-process through the handler both
    /// hooks call (the real signals are covered by tests/Pester/ProcessExit.Tests.ps1 with child pwsh processes). It
    /// stops every such node of the test process, so it runs alone.
    /// </summary>
    [Collection(ProcessExitCollection.Name)]
    public sealed class ProcessExitTests
    {
        [Fact]
        public async Task Nodes_still_running_at_process_exit_leave_and_peers_see_them_Left_unless_they_opted_out()
        {
            await using var cluster = new TestCluster();
            var observerOptions = cluster.Options("observer");
            observerOptions.LeaveOnProcessExit = false;
            var observer = await cluster.StartAsync(observerOptions);
            var leaver = await cluster.StartAsync("leaver", observer);
            leaver.SetData("last", "words");

            ProcessExitLeave.LeaveAll();

            Assert.False(leaver.IsRunning);
            Assert.True(observer.IsRunning);
            await observer.WaitForPeerAsync("leaver", DsnPeerStatus.Left, TestCluster.Patience);
            // The write made just before the exit went out before the leave.
            Assert.Equal("words", observer.GetData("leaver", "last"));
        }
    }

    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessExitCollection
    {
        public const string Name = "ProcessExit";
    }
}
