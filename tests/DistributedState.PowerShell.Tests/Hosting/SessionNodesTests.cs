using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Hosting
{
    /// <summary>
    /// The session registry and waits with real nodes on 127.0.0.1, port 0. SessionNodes is process-wide, so these
    /// tests run in one collection, one at a time, and stop what they start.
    /// </summary>
    [Collection(nameof(SessionNodesTests))]
    public sealed class SessionNodesTests : IAsyncLifetime
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
        private readonly string _folder = Directory.CreateTempSubdirectory("dsn-ps-nodes-").FullName;
        private readonly string _key = DsnNetworkKey.Generate().ToString();

        public Task InitializeAsync()
        {
            SessionNodes.StopAll(TimeSpan.FromSeconds(5));
            return Task.CompletedTask;
        }

        public Task DisposeAsync()
        {
            SessionNodes.StopAll(TimeSpan.FromSeconds(5));
            Directory.Delete(_folder, recursive: true);
            return Task.CompletedTask;
        }

        private Task<DsnNode> Start(string nodeId, DsnNode? bootstrap = null) => Start(SessionNodes.ProcessOwner, nodeId, bootstrap);

        private Task<DsnNode> Start(object owner, string nodeId, DsnNode? bootstrap = null) => SessionNodes.StartAsync(owner, Request(nodeId, bootstrap), CancellationToken.None);

        private NodeStartRequest Request(string nodeId, DsnNode? bootstrap = null)
        {
            var request = new NodeStartRequest
            {
                NodeId = nodeId,
                Port = 0,
                BindAddress = IPAddress.Loopback,
                Key = _key,
                IdentityPath = Path.Combine(_folder, nodeId + ".identity"),
            };
            if (bootstrap is not null) request.Bootstrap.Add("127.0.0.1:" + bootstrap.LocalEndPoint.Port);
            return request;
        }

        [Fact]
        public async Task The_last_started_running_node_is_the_default_and_stopping_it_falls_back()
        {
            var first = await Start("ps-a");
            Assert.Same(first, SessionNodes.Resolve(null));
            var second = await Start("ps-b", first);
            Assert.Same(second, SessionNodes.Default);
            Assert.Equal(new[] { first, second }, SessionNodes.Nodes);

            await SessionNodes.StopAsync(second);
            Assert.False(second.IsRunning);
            Assert.Same(first, SessionNodes.Default);
            Assert.Equal(new[] { first }, SessionNodes.Nodes);
        }

        [Fact]
        public async Task A_node_stopped_outside_the_module_is_no_longer_the_default()
        {
            var first = await Start("ps-c");
            var second = await Start("ps-d", first);
            await second.StopAsync();
            Assert.Same(first, SessionNodes.Default);
            Assert.Equal("DsnNodeStopped", Assert.Throws<DsnCommandException>(() => SessionNodes.Resolve(second)).ErrorId);
        }

        [Fact]
        public async Task A_hosted_node_whose_identity_an_older_process_uses_stops_and_says_so_with_DsnIdentityInUse()
        {
            // The older process: the same NodeId and identity file, started outside this module (another machine).
            var request = Request("ps-twin");
            await using var older = await DsnNode.StartAsync(new DsnNodeOptions
            {
                NodeId = "ps-twin",
                Port = 0,
                BindAddress = IPAddress.Loopback,
                NetworkKey = DsnNetworkKey.Parse(_key),
                IdentityPath = request.IdentityPath,
            });

            // Joining through it, the hosted one fails to start.
            request.Bootstrap.Add("127.0.0.1:" + older.LocalEndPoint.Port);
            var failed = await Assert.ThrowsAsync<DsnIdentityInUseException>(() => SessionNodes.StartAsync(SessionNodes.ProcessOwner, request, CancellationToken.None));
            Assert.Equal("DsnIdentityInUse", ErrorClassifier.Classify(failed, null, "DsnNodeOptionInvalid").ErrorId);
            Assert.Empty(SessionNodes.Nodes);

            // Started alone, it runs until the two meet; then it stops itself and the session shows why.
            var hosted = await Start("ps-twin");
            await Assert.ThrowsAsync<DsnJoinException>(() => older.JoinAsync(new[] { new DsnEndpoint("127.0.0.1", hosted.LocalEndPoint.Port) }));
            var deadline = DateTime.UtcNow + Timeout;
            while (hosted.IsRunning && DateTime.UtcNow < deadline) await Task.Delay(5);
            Assert.False(hosted.IsRunning);
            Assert.True(older.IsRunning);
            Assert.IsType<DsnIdentityInUseException>(hosted.StopReason);
            Assert.Same(hosted, SessionNodes.Nodes.Single()); // Get-DsnNode lists it, stopped
            var error = Assert.Throws<DsnIdentityInUseException>(() => SessionNodes.Resolve(null));
            Assert.Equal(older.AdvertisedEndPoint, error.OtherEndPoint);
            Assert.Equal(("DsnIdentityInUse", DsnErrorCategory.ResourceExists), (ErrorClassifier.Classify(error, null, "x").ErrorId, ErrorClassifier.Classify(error, null, "x").Category));
            Assert.Throws<DsnIdentityInUseException>(() => SessionNodes.Resolve(hosted));
        }

        [Fact]
        public async Task A_second_node_with_a_running_NodeId_is_refused_before_it_binds()
        {
            await Start("ps-e");
            var ex = await Assert.ThrowsAsync<DsnCommandException>(() => Start("ps-e"));
            Assert.Equal("DsnNodeAlreadyRunning", ex.ErrorId);
            Assert.Single(SessionNodes.Nodes);
        }

        [Fact]
        public async Task Waits_see_peers_and_data_and_time_out_with_an_explanation()
        {
            var first = await Start("ps-f");
            var second = await Start("ps-g", first);
            var peers = await NodeWaits.ForPeersAsync(first, new[] { "ps-f", "ps-g" }, DsnPeerStatus.Alive, Timeout, CancellationToken.None);
            Assert.Equal(new[] { "ps-f", "ps-g" }, peers.Select(p => p.NodeId));

            OwnState.Set(second, new[] { new System.Collections.Generic.KeyValuePair<string, string>("status", "online") });
            var entries = await NodeWaits.ForDataAsync(first, new[] { "ps-g" }, "status", "online", Timeout, CancellationToken.None);
            Assert.Equal("online", entries.Single().Value);

            var ex = await Assert.ThrowsAsync<DsnCommandException>(() =>
                NodeWaits.ForDataAsync(first, new[] { "ps-g" }, "status", "offline", TimeSpan.FromMilliseconds(200), CancellationToken.None));
            Assert.Equal("DsnWaitTimeout", ex.ErrorId);
            Assert.Contains("'status' = 'online'", ex.Message);
        }

        [Fact]
        public async Task A_wildcard_wait_waits_for_a_matching_member_to_join_then_for_its_data()
        {
            var monitor = await Start("ps-mon");
            var wait = NodeWaits.ForDataAsync(monitor, new[] { "ps-web*" }, "status", "online", Timeout, CancellationToken.None);
            var web = await Start("ps-web1", monitor);
            OwnState.Set(web, new[] { new System.Collections.Generic.KeyValuePair<string, string>("status", "online") });
            var entry = Assert.Single(await wait);
            Assert.Equal(("ps-web1", "online"), (entry.NodeId, entry.Value));

            var ex = await Assert.ThrowsAsync<DsnCommandException>(() =>
                NodeWaits.ForPeersAsync(monitor, new[] { "ps-db*" }, DsnPeerStatus.Alive, TimeSpan.FromMilliseconds(200), CancellationToken.None));
            Assert.Equal("DsnWaitTimeout", ex.ErrorId);
            Assert.Contains("'ps-db*'", ex.Message);
        }

        [Fact]
        public async Task A_wait_is_cancelled_by_its_token()
        {
            var node = await Start("ps-h");
            using var cts = new CancellationTokenSource();
            var wait = NodeWaits.ForPeersAsync(node, new[] { "nobody" }, DsnPeerStatus.Alive, Timeout, cts.Token);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        }

        [Fact]
        public async Task Own_state_is_written_read_and_removed_through_the_helpers()
        {
            var node = await Start("ps-i");
            OwnState.Set(node, KeyValueInput.FromDictionary(new System.Collections.Hashtable { ["cpu"] = 12, ["disk"] = "80" }));
            Assert.Equal(new[] { "cpu", "disk" }, OwnState.Entries(node, new[] { "cpu", "disk", "none" }).Select(e => e.Key));
            var selected = OwnState.Select(node, new[] { "c*", "memory" });
            Assert.Equal("12", selected.Matches.Single().Value);
            Assert.Equal(new[] { "memory" }, selected.UnmatchedNames);
        }
    
        [Fact]
        public async Task Sessions_have_their_own_default_and_closing_one_stops_only_its_nodes()
        {
            var runspace = new object();
            var mine = await Start("ps-j");
            var theirs = await Start(runspace, "ps-k", mine);
            Assert.Same(mine, SessionNodes.DefaultOf(SessionNodes.ProcessOwner));
            Assert.Same(theirs, SessionNodes.DefaultOf(runspace));
            Assert.Equal(new[] { mine }, SessionNodes.NodesOf(SessionNodes.ProcessOwner));

            SessionNodes.StopOwnedBy(runspace, TimeSpan.FromSeconds(5));
            Assert.False(theirs.IsRunning);
            Assert.True(mine.IsRunning);
            Assert.Empty(SessionNodes.NodesOf(runspace));
            Assert.Equal(DsnPeerStatus.Left, (await mine.WaitForPeerAsync("ps-k", DsnPeerStatus.Left, Timeout)).Status);
        }

        [Fact]
        public async Task A_node_of_another_session_is_stopped_by_reference_and_forgotten()
        {
            var runspace = new object();
            var theirs = await Start(runspace, "ps-l");
            await SessionNodes.StopAsync(theirs);
            Assert.False(theirs.IsRunning);
            Assert.Empty(SessionNodes.NodesOf(runspace));
        }

        [Fact]
        public async Task A_port_in_use_is_a_bind_failure_naming_the_address_and_port()
        {
            var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            taken.Start();
            try
            {
                var port = ((IPEndPoint)taken.LocalEndpoint).Port;
                var request = Request("ps-m");
                request.Port = port;
                var ex = await Assert.ThrowsAsync<DsnBindException>(() => SessionNodes.StartAsync(SessionNodes.ProcessOwner, request, CancellationToken.None));
                Assert.Equal(System.Net.Sockets.SocketError.AddressAlreadyInUse, ex.SocketError);
                var info = ErrorClassifier.Classify(ex, "ps-m", "DsnNodeOptionInvalid");
                Assert.Equal("DsnPortInUse", info.ErrorId);
                Assert.Equal("127.0.0.1:" + port, info.Target);
                Assert.Contains("127.0.0.1:" + port, ex.Message);
                Assert.Empty(SessionNodes.Nodes);
            }
            finally
            {
                taken.Stop();
            }
        }

        [Fact]
        public async Task Tuning_reaches_the_running_node()
        {
            var request = Request("ps-n");
            request.MaxValueBytes = 8;
            var node = await SessionNodes.StartAsync(SessionNodes.ProcessOwner, request, CancellationToken.None);
            Assert.ThrowsAny<ArgumentException>(() => node.SetData("k", "123456789"));
            node.SetData("k", "12345678");
        }
    }
}
