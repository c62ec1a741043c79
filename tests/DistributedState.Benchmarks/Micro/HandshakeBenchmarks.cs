using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;
using DistributedState.Transport;

namespace DistributedState.Benchmarks.Micro
{
    /// <summary>
    /// One complete handshake between two identities on 127.0.0.1: a TCP connect, both sides' messages and
    /// cryptography, and the close. What every new session costs, round trips included.
    /// </summary>
    [MemoryDiagnoser]
    public class HandshakeBenchmarks
    {
        private readonly DsnNetworkKey _networkKey = DsnNetworkKey.Generate();
        private IdentityKey _initiator = null!;
        private IdentityKey _responder = null!;
        private byte[] _initiatorStatement = Array.Empty<byte>();
        private byte[] _responderStatement = Array.Empty<byte>();
        private IDsnListener _listener = null!;
        private DsnEndpoint _endpoint = null!;

        [GlobalSetup]
        public void Setup()
        {
            _initiator = IdentityKey.Create();
            _responder = IdentityKey.Create();
            _initiatorStatement = Statement(_initiator, "initiator");
            _responderStatement = Statement(_responder, "responder");
            _listener = TcpTransport.Instance.ListenAsync(IPAddress.Loopback, 0, CancellationToken.None).GetAwaiter().GetResult();
            _endpoint = new DsnEndpoint("127.0.0.1", _listener.LocalEndPoint.Port);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _listener.Dispose();
            _initiator.Dispose();
            _responder.Dispose();
        }

        private static byte[] Statement(IdentityKey identity, string nodeId)
        {
            var writer = new WireWriter();
            AliveRecord.Create(identity, nodeId, 1, "127.0.0.1", 7946).Write(writer);
            return writer.ToArray();
        }

        [Benchmark]
        public async Task TcpHandshake()
        {
            var accepting = _listener.AcceptAsync(CancellationToken.None);
            using var client = await TcpTransport.Instance.ConnectAsync(_endpoint, TimeSpan.FromSeconds(5), CancellationToken.None);
            using var server = await accepting;
            var responding = Task.Run(() => Handshake.RespondAsync(server, new DsnNetworkKeyring(_networkKey), _responder, _responderStatement, CancellationToken.None));
            var initiated = await Handshake.InitiateAsync(client, _networkKey.Bytes, _initiator, _initiatorStatement, CancellationToken.None);
            var responded = await responding;
            initiated.Sealer.Dispose();
            initiated.Opener.Dispose();
            responded.Sealer.Dispose();
            responded.Opener.Dispose();
        }
    }
}
