using System;
using System.Linq;
using System.Text;
using DistributedState.Discovery;
using Xunit;

namespace DistributedState.Tests.Discovery
{
    public sealed class BeaconTests
    {
        private static readonly byte[] Key = DsnNetworkKey.Generate().Bytes;
        private const long Now = 1_800_000_000_000;

        private static Beacon? Open(byte[] datagram, byte[]? key = null, long now = Now) =>
            Beacon.Open(datagram, datagram.Length, Support.Rings.Of(key ?? Key), now, out _);

        private static string? Refusal(byte[] datagram, byte[]? key = null, long now = Now)
        {
            Beacon.Open(datagram, datagram.Length, Support.Rings.Of(key ?? Key), now, out var refusal);
            return refusal;
        }

        [Fact]
        public void A_sealed_beacon_opens_with_the_network_key()
        {
            var opened = Open(new Beacon("web01", "10.0.0.5", 7946, Now).Seal(Key));
            Assert.NotNull(opened);
            Assert.Equal(("web01", "10.0.0.5", 7946, Now), (opened!.NodeId, opened.Host, opened.Port, opened.SentAtUnixMs));
        }

        [Fact]
        public void A_stranger_sees_neither_the_NodeId_nor_the_endpoint()
        {
            var sealedBeacon = new Beacon("web01", "10.0.0.5", 7946, Now).Seal(Key);
            var text = Encoding.ASCII.GetString(sealedBeacon);
            Assert.DoesNotContain("web01", text);
            Assert.DoesNotContain("10.0.0.5", text);
            Assert.NotEqual(sealedBeacon, new Beacon("web01", "10.0.0.5", 7946, Now).Seal(Key)); // fresh keys per beacon
        }

        [Fact]
        public void Another_networks_key_or_any_changed_byte_is_refused_as_bad_key()
        {
            var sealedBeacon = new Beacon("web01", "10.0.0.5", 7946, Now).Seal(Key);
            Assert.Equal("discovery.rejected.bad_key", Refusal(sealedBeacon, DsnNetworkKey.Generate().Bytes));
            for (var i = 5; i < sealedBeacon.Length; i += 7)
            {
                var tampered = sealedBeacon.ToArray();
                tampered[i] ^= 0x01;
                Assert.Equal("discovery.rejected.bad_key", Refusal(tampered));
            }
        }

        [Fact]
        public void During_a_rotation_a_beacon_sealed_with_either_key_of_the_ring_opens()
        {
            var newer = DsnNetworkKey.Generate().Bytes;
            var ring = Support.Rings.Of(newer, Key);
            var sealedWithOlder = new Beacon("web01", "10.0.0.5", 7946, Now).Seal(Key);
            Assert.Equal("web01", Beacon.Open(sealedWithOlder, sealedWithOlder.Length, ring, Now, out _)!.NodeId);
            var sealedWithNewer = new Beacon("web02", "10.0.0.6", 7946, Now).Seal(newer);
            Assert.Equal("web02", Beacon.Open(sealedWithNewer, sealedWithNewer.Length, ring, Now, out _)!.NodeId);
            Assert.Equal("discovery.rejected.bad_key", Refusal(sealedWithNewer)); // a node holding only the old key
        }

        [Fact]
        public void A_replay_outside_the_window_is_refused_as_stale()
        {
            var old = new Beacon("web01", "10.0.0.5", 7946, Now - Beacon.MaxAgeMs - 1).Seal(Key);
            Assert.Equal("discovery.rejected.stale", Refusal(old));
            var future = new Beacon("web01", "10.0.0.5", 7946, Now + Beacon.MaxAgeMs + 1).Seal(Key);
            Assert.Equal("discovery.rejected.stale", Refusal(future));
        }

        [Theory]
        [InlineData("web 01", "10.0.0.5", 7946)]
        [InlineData("web\u001b[31m", "10.0.0.5", 7946)]
        [InlineData("web01", "", 7946)]
        [InlineData("web01", "10.0.0.5", 0)]
        public void A_key_holder_cannot_announce_an_invalid_NodeId_or_endpoint(string nodeId, string host, int port) =>
            Assert.Equal("discovery.rejected.malformed", Refusal(new Beacon(nodeId, host, port, Now).Seal(Key)));

        [Theory]
        [InlineData(0)]
        [InlineData(10)]
        [InlineData(600)]
        public void Garbage_and_oversized_datagrams_are_malformed(int length) =>
            Assert.Equal("discovery.rejected.malformed", Refusal(Enumerable.Repeat((byte)'D', length).ToArray()));

        [Fact]
        public void Another_beacon_version_is_refused_as_such()
        {
            var beacon = new Beacon("web01", "10.0.0.5", 7946, Now).Seal(Key);
            beacon[4] = 99;
            Assert.Equal("discovery.rejected.version", Refusal(beacon));
        }
    }
}
