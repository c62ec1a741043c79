using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Cluster
{
    /// <summary>A node that cannot listen says where and why, as a typed exception, not a bare SocketException.</summary>
    public sealed class BindFailureTests
    {
        [Fact]
        public async Task A_port_in_use_is_a_DsnBindException_naming_address_and_port()
        {
            await using var cluster = new TestCluster();
            var first = await cluster.StartAsync("a");
            var options = cluster.Options("b");
            options.Port = first.LocalEndPoint.Port;
            var error = await Assert.ThrowsAsync<DsnBindException>(() => DsnNode.StartAsync(options));
            Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketError);
            Assert.Equal(IPAddress.Loopback, error.Address);
            Assert.Equal(first.LocalEndPoint.Port, error.Port);
            Assert.StartsWith($"Cannot listen on 127.0.0.1:{first.LocalEndPoint.Port}: the port is already in use", error.Message);
            Assert.IsType<SocketException>(error.InnerException);
        }

        [Fact]
        public async Task An_address_of_another_machine_is_a_DsnBindException_saying_so()
        {
            var options = new TestCluster().Options("a");
            options.BindAddress = IPAddress.Parse("192.0.2.1"); // TEST-NET-1: never an address of this machine
            var error = await Assert.ThrowsAsync<DsnBindException>(() => DsnNode.StartAsync(options));
            Assert.Equal(SocketError.AddressNotAvailable, error.SocketError);
            Assert.Contains("192.0.2.1 is not an address of this machine", error.Message);
        }
    }
}
