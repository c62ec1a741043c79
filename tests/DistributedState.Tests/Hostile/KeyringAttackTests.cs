using System;
using System.Linq;
using System.Threading.Tasks;
using DistributedState.Protocol;
using DistributedState.Security;
using DistributedState.Sessions;
using DistributedState.Tests.Support;
using Xunit;

namespace DistributedState.Tests.Hostile
{
    /// <summary>Keyring commands from those who may not give them: strangers without the key, and members forging another's name.</summary>
    public sealed class KeyringAttackTests : HostileTestBase
    {
        private static KeyringCommandMessage Install(IdentityKey signer, string asker, DsnNetworkKey key) =>
            KeyringCommandMessage.Create(signer, 3, (ulong)Environment.TickCount + 1, asker, DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(),
                DsnKeyringOperation.Install, key.Id, key);

        [Fact]
        public async Task A_peer_without_the_network_key_cannot_even_open_a_session_to_install_one()
        {
            await using var cluster = new TestCluster();
            var node = await cluster.StartAsync("k1");
            await Assert.ThrowsAsync<HandshakeException>(() => HostilePeer.JoinAsync(node, DsnNetworkKey.Generate(), "intruder"));
            await CounterReachesAsync(node, "handshake.bad_key", 1);
            Assert.Single(node.NetworkKeyring.Keys);
            await HonestPeerStillWorksAsync(cluster, node);
        }

        [Fact]
        public async Task A_member_cannot_give_a_keyring_command_in_another_members_name_nor_as_a_stranger()
        {
            await using var cluster = new TestCluster();
            var k1 = await cluster.StartAsync("k1");
            var k2 = await cluster.StartAsync("k2", k1);
            await cluster.WaitForMembershipAsync(new[] { k1, k2 }, new[] { "k1", "k2" });
            await using var mallory = await HostilePeer.JoinAsync(k1, cluster.Key, "mallory");
            await JoinedAsync(k1, "mallory");

            var planted = DsnNetworkKey.Generate();
            await mallory.Main.SendAsync(Install(mallory.Identity, "k2", planted)); // signed by mallory, in k2's name
            await CounterReachesAsync(k1, "keyring.rejected.bad_signature", 1);
            using var ghost = IdentityKey.Create();
            await mallory.Main.SendAsync(Install(ghost, "ghost", planted)); // no such member
            await CounterReachesAsync(k1, "keyring.rejected.unknown_asker", 1);

            Assert.All(new[] { k1, k2 }, n => Assert.Null(n.NetworkKeyring.Find(planted.Id)));
            Assert.Equal(0, Counter(k1, "keyring.received"));
            await WritesConvergeAsync(k1, k2);
        }
    }
}
