using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using DistributedState.PowerShell.Engine;
using Xunit;

namespace DistributedState.PowerShell.Tests.Engine
{
    /// <summary>Start-DsnNode's inputs beyond the key and bootstrap list: allow-list, durations, tuning, paths, and the errors they give.</summary>
    public sealed class StartInputTests : IDisposable
    {
        private static readonly string KeyOfA = "04" + new string('a', 128);
        private static readonly string KeyOfB = "04" + new string('b', 128);
        private readonly string _folder = Directory.CreateTempSubdirectory("dsn-ps-start-").FullName;

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private NodeStartRequest Request() => new NodeStartRequest { NodeId = "web01", Key = DsnNetworkKey.Generate().ToString() };

        [Fact]
        public void A_data_path_reaches_the_options_and_is_absent_by_default()
        {
            Assert.Null(Request().ToOptions().DataPath);
            var request = Request();
            request.DataPath = "/var/lib/dsn/web01";
            Assert.Equal("/var/lib/dsn/web01", request.ToOptions().DataPath);
        }

        private string WriteFile(string name, params string[] lines)
        {
            var path = Path.Combine(_folder, name);
            File.WriteAllLines(path, lines);
            return path;
        }

        [Fact]
        public void Discovery_is_off_unless_asked_for_and_a_group_or_port_implies_it()
        {
            Assert.Null(Request().ToOptions().Discovery);

            var request = Request();
            request.Discover = true;
            var discovery = request.ToOptions().Discovery!;
            Assert.Equal((DsnDiscoveryOptions.DefaultIPv4Group, 7947), (discovery.Group, discovery.Port));

            request = Request();
            request.DiscoveryGroup = IPAddress.Parse("ff05::77:46");
            request.DiscoveryPort = 17947;
            discovery = request.ToOptions().Discovery!;
            Assert.Equal((IPAddress.Parse("ff05::77:46"), 17947), (discovery.Group, discovery.Port));
        }

        [Fact]
        public void The_allow_list_file_has_one_node_per_line_with_comments_and_blank_lines()
        {
            var path = WriteFile("allowed.txt", "# pinned members", "", "web01 " + KeyOfA.ToUpperInvariant(), "\tweb02\t\t" + KeyOfB + "   # the second");
            var list = AllowedNodeList.Load(path);
            Assert.Equal(KeyOfA, list["web01"]);
            Assert.Equal(KeyOfB, list["web02"]);
            Assert.Equal(2, list.Count);
        }

        [Theory]
        [InlineData("web01", "line 2: expected a NodeId and its public key")]
        [InlineData("web01 04ab", "line 2: A public key is the node's 130-character hex public key")]
        [InlineData("web01 key extra", "found 3 field(s)")]
        [InlineData("bad/id 04ab", "line 2: The NodeId 'bad/id' contains '/'")]
        public void A_bad_allow_list_line_is_DsnAllowedNodesInvalid_naming_file_and_line(string line, string expected)
        {
            var path = WriteFile("bad.txt", "# header", line);
            var ex = Assert.Throws<DsnCommandException>(() => AllowedNodeList.Load(path));
            Assert.Equal("DsnAllowedNodesInvalid", ex.ErrorId);
            Assert.Equal(DsnErrorCategory.InvalidData, ex.Category);
            Assert.Contains(path, ex.Message);
            Assert.Contains(expected, ex.Message);
        }

        [Fact]
        public void A_node_pinned_to_two_keys_is_refused()
        {
            var path = WriteFile("twice.txt", "web01 " + KeyOfA, "web01 " + KeyOfB);
            Assert.Contains("two different public keys", Assert.Throws<DsnCommandException>(() => AllowedNodeList.Load(path)).Message);
            var fromTable = AllowedNodeList.FromDictionary(new Hashtable { ["web01"] = KeyOfB });
            var fromFile = AllowedNodeList.Load(WriteFile("one.txt", "web01 " + KeyOfA));
            Assert.Equal("DsnAllowedNodesInvalid", Assert.Throws<DsnCommandException>(() => AllowedNodeList.Merge(fromTable, fromFile)).ErrorId);
        }

        [Fact]
        public void A_hashtable_entry_that_is_not_text_is_refused_with_its_NodeId()
        {
            var ex = Assert.Throws<DsnCommandException>(() => AllowedNodeList.FromDictionary(new Hashtable { ["web01"] = 42 }));
            Assert.Equal("DsnAllowedNodesInvalid", ex.ErrorId);
            Assert.Equal("web01", ex.Target);
        }

        [Fact]
        public void The_hashtable_and_the_file_together_become_the_runtime_allow_list()
        {
            var request = Request();
            request.AllowedNodes = AllowedNodeList.FromDictionary(new Hashtable { ["web01"] = KeyOfA });
            request.AllowedNodesPath = WriteFile("allowed.txt", "web02 " + KeyOfB, "web01 " + KeyOfA);
            var options = request.ToOptions();
            Assert.Equal(new[] { "web01", "web02" }, options.AllowedNodes.Keys.OrderBy(k => k));
        }

        [Fact]
        public void A_missing_allow_list_file_is_DsnFileNotFound()
        {
            var request = Request();
            request.AllowedNodesPath = Path.Combine(_folder, "none.txt");
            var ex = Assert.ThrowsAny<IOException>(() => request.ToOptions());
            Assert.Equal("DsnFileNotFound", ErrorClassifier.Classify(ex, null, "F").ErrorId);
        }

        [Fact]
        public void Directories_given_as_files_are_DsnPathIsDirectory_naming_the_parameter()
        {
            var withKeyPath = new NodeStartRequest { NodeId = "a", KeyPath = _folder };
            var withIdentity = Request();
            withIdentity.IdentityPath = _folder;
            var withAllowList = Request();
            withAllowList.AllowedNodesPath = _folder;
            foreach (var (request, parameter) in new[] { (withKeyPath, "-KeyPath"), (withIdentity, "-IdentityPath"), (withAllowList, "-AllowedNodesPath") })
            {
                var ex = Assert.Throws<DsnCommandException>(() => request.ToOptions());
                Assert.Equal("DsnPathIsDirectory", ex.ErrorId);
                Assert.StartsWith($"{parameter} '{_folder}' is a directory", ex.Message);
            }

            Assert.Equal("DsnPathIsDirectory", Assert.Throws<DsnCommandException>(() => NetworkKeyFile.Create(_folder, 256, overwrite: true)).ErrorId);
        }

        [Fact]
        public void Tuning_left_out_keeps_the_runtime_defaults_and_given_tuning_is_applied()
        {
            var defaults = new DsnNodeOptions();
            var untouched = Request().ToOptions();
            Assert.Equal(defaults.MaxValueBytes, untouched.MaxValueBytes);
            Assert.Equal(defaults.ProbeInterval, untouched.ProbeInterval);
            Assert.Null(untouched.AdvertiseAddress);

            var request = Request();
            request.AdvertiseAddress = "web01.example";
            request.MaxValueBytes = 1;
            request.MaxStateBytes = 2;
            request.MaxMessageBytes = 3;
            request.MaxConnections = 4;
            request.EventQueueCapacity = 5;
            request.DepartedRetention = TimeSpan.FromMinutes(6);
            request.ProbeInterval = TimeSpan.FromMilliseconds(7);
            request.ProbeTimeout = TimeSpan.FromMilliseconds(8);
            request.SuspicionMultiplier = 9;
            request.AntiEntropyInterval = TimeSpan.FromSeconds(10);
            request.JoinTimeout = TimeSpan.FromSeconds(11);
            request.RetryJoinInterval = TimeSpan.FromSeconds(12);
            request.ConnectTimeout = TimeSpan.FromSeconds(13);
            request.HandshakeTimeout = TimeSpan.FromSeconds(14);
            request.SendTimeout = TimeSpan.FromSeconds(15);
            var o = request.ToOptions();
            Assert.Equal(("web01.example", 1, 2L, 3, 4, 5), (o.AdvertiseAddress, o.MaxValueBytes, o.MaxStateBytes, o.MaxMessageBytes, o.MaxConnections, o.EventQueueCapacity));
            Assert.Equal(new[] { 360.0, 0.007, 0.008, 10, 11, 12, 13, 14, 15 },
                new[] { o.DepartedRetention, o.ProbeInterval, o.ProbeTimeout, o.AntiEntropyInterval, o.JoinTimeout, o.RetryJoinInterval, o.ConnectTimeout, o.HandshakeTimeout, o.SendTimeout }.Select(t => t.TotalSeconds));
            Assert.Equal(9, o.SuspicionMultiplier);
        }

        public static TheoryData<object, double> Durations() => new TheoryData<object, double>
        {
            { 5, 5 },
            { 0.25, 0.25 },
            { 2L, 2 },
            { 1.5m, 1.5 },
            { "5", 5 },
            { "0.2", 0.2 },
            { "200ms", 0.2 },
            { "5s", 5 },
            { "2m", 120 },
            { "1h", 3600 },
            { "00:00:05", 5 },
            { "1.00:00:00", 86400 },
            { TimeSpan.FromMinutes(3), 180 },
        };

        [Theory]
        [MemberData(nameof(Durations))]
        public void Durations_are_seconds_numbers_with_units_or_TimeSpans(object input, double seconds) =>
            Assert.Equal(seconds, DurationInput.Convert(input)!.Value.TotalSeconds, 6);

        [Theory]
        [InlineData("soon")]
        [InlineData("5 parsecs")]
        [InlineData(double.NaN)]
        public void Anything_else_is_refused_with_the_accepted_forms(object input) =>
            Assert.Contains("'00:00:05'", Assert.Throws<ArgumentException>(() => DurationInput.Convert(input)).Message);

        [Fact]
        public void An_absent_duration_stays_absent() => Assert.Null(DurationInput.Convert(null));

        [Theory]
        [InlineData("Infinite")]
        [InlineData(" infinite ")]
        public void Infinite_is_the_infinite_timespan_no_lease_for_TimeToLive(string text) =>
            Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan, DurationInput.Convert(text));

        [Fact]
        public void DefaultTimeToLive_reaches_the_options_and_is_absent_unless_given()
        {
            var request = new NodeStartRequest { NodeId = "web01", Key = new string('a', 64), DefaultTimeToLive = TimeSpan.FromMinutes(15) };
            Assert.Equal(TimeSpan.FromMinutes(15), request.ToOptions().DefaultTimeToLive);
            Assert.Null(new NodeStartRequest { NodeId = "web01", Key = new string('a', 64) }.ToOptions().DefaultTimeToLive);
        }

        public static TheoryData<Exception, string, DsnErrorCategory, object?> Failures() => new TheoryData<Exception, string, DsnErrorCategory, object?>
        {
            { Bind(SocketError.AddressAlreadyInUse), "DsnPortInUse", DsnErrorCategory.ResourceUnavailable, "127.0.0.1:7946" },
            { Bind(SocketError.AddressNotAvailable), "DsnAddressNotLocal", DsnErrorCategory.InvalidArgument, "127.0.0.1:7946" },
            { Bind(SocketError.AccessDenied), "DsnBindFailed", DsnErrorCategory.ResourceUnavailable, "127.0.0.1:7946" },
            { new FileLoadException("Could not load file or assembly 'X'."), "DsnAssemblyLoadFailed", DsnErrorCategory.ResourceUnavailable, "target" },
            { new BadImageFormatException("not an assembly"), "DsnAssemblyLoadFailed", DsnErrorCategory.ResourceUnavailable, "target" },
            {
                new FileNotFoundException("Could not load file or assembly.", "Microsoft.Extensions.Logging.Abstractions, Version=8.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60"),
                "DsnAssemblyLoadFailed", DsnErrorCategory.ResourceUnavailable, "Microsoft.Extensions.Logging.Abstractions, Version=8.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60"
            },
            { new DsnDataFileException("/var/dsn/state.dsn", DsnDataFileProblem.Corrupt, "damaged"), "DsnDataFileCorrupt", DsnErrorCategory.InvalidData, "/var/dsn/state.dsn" },
            { new DsnDataFileException("/var/dsn/state.dsn", DsnDataFileProblem.OtherNode, "web02's"), "DsnDataFileOtherNode", DsnErrorCategory.InvalidData, "/var/dsn/state.dsn" },
            { new DsnDataFileException("/var/dsn/members.dsn", DsnDataFileProblem.OtherNetwork, "another key"), "DsnDataFileOtherNetwork", DsnErrorCategory.InvalidData, "/var/dsn/members.dsn" },
            { new FileNotFoundException("Could not find file.", "/etc/dsn/net.key"), "DsnFileNotFound", DsnErrorCategory.ObjectNotFound, "target" },
            { new FileNotFoundException("Could not find file.", @"C:\ProgramData\DistributedState\net.key"), "DsnFileNotFound", DsnErrorCategory.ObjectNotFound, "target" },
        };

        [Theory]
        [MemberData(nameof(Failures))]
        public void Start_failures_have_their_own_ErrorIds(Exception exception, string errorId, DsnErrorCategory category, object? target)
        {
            var info = ErrorClassifier.Classify(exception, "target", "DsnNodeOptionInvalid");
            Assert.Equal((errorId, category, target), (info.ErrorId, info.Category, info.Target));
        }

        [Fact]
        public void A_bind_failure_message_names_the_address_and_port_and_what_to_do()
        {
            var ex = Bind(SocketError.AddressAlreadyInUse);
            Assert.StartsWith("Cannot listen on 127.0.0.1:7946: the port is already in use", ex.Message);
            Assert.Contains("port 0", ex.Message);
            Assert.Contains("[::1]:7946", new DsnBindException(IPAddress.IPv6Loopback, 7946, new SocketException((int)SocketError.AddressNotAvailable)).Message);
        }

        private static DsnBindException Bind(SocketError error) => new DsnBindException(IPAddress.Loopback, 7946, new SocketException((int)error));
    }
}
