using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace DistributedState.Tests.Security
{
    /// <summary>The keyring: key ids, the operations of a rotation, and the key file format (docs/protocol.md, "Key files").</summary>
    public sealed class NetworkKeyringTests
    {
        private readonly DsnNetworkKey _old = DsnNetworkKey.Generate();
        private readonly DsnNetworkKey _new = DsnNetworkKey.Generate();

        [Theory]
        [InlineData(128)]
        [InlineData(256)]
        public void A_key_id_is_a_stable_fingerprint_that_does_not_show_the_key(int bits)
        {
            var key = DsnNetworkKey.Generate(bits);
            Assert.Matches("^[0-9a-f]{16}$", key.Id);
            Assert.Equal(key.Id, DsnNetworkKey.Parse(key.ToString().ToUpperInvariant()).Id);
            Assert.NotEqual(key.Id, DsnNetworkKey.Generate(bits).Id);
            Assert.DoesNotContain(key.Id, key.ToString());
            Assert.DoesNotContain(key.ToString().Substring(0, 16), key.Id);
            Assert.True(DsnNetworkKey.IsKeyId(key.Id.ToUpperInvariant()));
            Assert.False(DsnNetworkKey.IsKeyId(key.ToString()));
            Assert.False(DsnNetworkKey.IsKeyId("zz" + key.Id.Substring(2)));
        }

        [Fact]
        public void A_rotation_installs_then_switches_the_primary_then_removes_the_old_key()
        {
            var ring = new DsnNetworkKeyring(_old);
            var installed = ring.WithKey(_new);
            Assert.Equal(new[] { _old.Id, _new.Id }, installed.Keys.Select(k => k.Id));
            Assert.Same(installed, installed.WithKey(DsnNetworkKey.Parse(_new.ToString()))); // already held

            var switched = installed.WithPrimary(_new.Id.ToUpperInvariant());
            Assert.Equal(_new.Id, switched.Primary.Id);
            Assert.Equal(new[] { _new.Id, _old.Id }, switched.Keys.Select(k => k.Id)); // the former primary is still accepted

            var removed = switched.WithoutKey(_old.Id);
            Assert.Equal(new[] { _new.Id }, removed.Keys.Select(k => k.Id));
            Assert.Same(removed, removed.WithoutKey(_old.Id)); // nothing to remove
        }

        [Fact]
        public void The_primary_cannot_be_removed_nor_an_unknown_key_made_primary()
        {
            var ring = new DsnNetworkKeyring(_old, new[] { _new });
            var primary = Assert.Throws<DsnKeyringException>(() => ring.WithoutKey(_old.Id));
            Assert.Equal((DsnKeyringProblem.PrimaryKey, _old.Id), (primary.Problem, primary.KeyId));
            Assert.Contains("primary", primary.Message);

            var stranger = DsnNetworkKey.Generate();
            var unknown = Assert.Throws<DsnKeyringException>(() => ring.WithPrimary(stranger.Id));
            Assert.Equal((DsnKeyringProblem.UnknownKey, stranger.Id), (unknown.Problem, unknown.KeyId));
            Assert.Contains("install", unknown.Message);
        }

        [Fact]
        public void A_ring_holds_at_most_MaxKeys_keys()
        {
            var ring = new DsnNetworkKeyring(_old, Enumerable.Range(1, DsnNetworkKeyring.MaxKeys - 1).Select(_ => DsnNetworkKey.Generate()));
            Assert.Equal(DsnNetworkKeyring.MaxKeys, ring.Keys.Count);
            var full = Assert.Throws<DsnKeyringException>(() => ring.WithKey(_new));
            Assert.Equal(DsnKeyringProblem.Full, full.Problem);
            Assert.Equal(DsnNetworkKeyring.MaxKeys, new DsnNetworkKeyring(_old, ring.Keys).Keys.Count); // duplicates collapse
        }

        [Fact]
        public void A_keyring_file_round_trips_in_order_and_is_private()
        {
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            var ring = new DsnNetworkKeyring(_new, new[] { _old, DsnNetworkKey.Generate(128) });
            ring.Save(path);
            var text = File.ReadAllText(path);
            Assert.StartsWith("dsn-keyring 1\n", text);
            Assert.Contains("primary " + _new + "\n", text);
            Assert.Contains("key " + _old + "\n", text);

            var loaded = DsnNetworkKeyring.Load(path);
            Assert.Equal(ring.Keys.Select(k => k.ToString()), loaded.Keys.Select(k => k.ToString()));
            Assert.Equal(_new.ToString(), DsnNetworkKey.Load(path).ToString()); // a single-key reader gets the primary
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void The_single_key_file_of_New_DsnKey_loads_as_a_ring_of_one()
        {
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            _old.Save(path);
            var ring = DsnNetworkKeyring.Load(path);
            Assert.Equal(_old.ToString(), Assert.Single(ring.Keys).ToString());
            Assert.Equal(_old.Id, DsnNetworkKeyring.Parse("\r\n  " + _old + "  \r\n").Primary.Id);
        }

        public static TheoryData<string, string> BadFiles()
        {
            var a = DsnNetworkKey.Generate().ToString();
            var b = DsnNetworkKey.Generate().ToString();
            return new TheoryData<string, string>
            {
                { "", "holds no key" },
                { "# only a comment\n", "holds no key" },
                { a + "\n" + b + "\n", "header" },
                { "dsn-keyring 2\nprimary " + a + "\n", "newer release" },
                { "dsn-keyring 1\nkey " + a + "\n", "no primary" },
                { "dsn-keyring 1\nprimary " + a + "\nprimary " + b + "\n", "more than one primary" },
                { "dsn-keyring 1\nprimary " + a + "\nbackup " + b + "\n", "'primary <key>' or 'key <key>'" },
                { "dsn-keyring 1\nprimary " + a.Substring(2) + "\n", "32 or 64 hexadecimal characters" },
                { "dsn-keyring 1\nprimary " + a + "\nkey " + a.Replace(a[0], 'g') + "\n", "hexadecimal" },
            };
        }

        [Theory]
        [MemberData(nameof(BadFiles))]
        public void A_bad_file_is_refused_with_what_is_wrong(string text, string reason)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnNetworkKeyring.Parse(text));
            Assert.Contains(reason, error.Message);
        }

        [Fact]
        public void A_file_with_more_keys_than_a_ring_holds_is_refused()
        {
            var lines = "dsn-keyring 1\nprimary " + _old + "\n" + string.Concat(Enumerable.Range(0, DsnNetworkKeyring.MaxKeys).Select(_ => "key " + DsnNetworkKey.Generate() + "\n"));
            Assert.Contains("at most", Assert.Throws<ArgumentException>(() => DsnNetworkKeyring.Parse(lines)).Message);
        }
    }
}
