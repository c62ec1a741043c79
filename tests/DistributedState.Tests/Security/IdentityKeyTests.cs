using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using DistributedState.Security;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class IdentityKeyTests
    {
        private static readonly byte[] Data = System.Text.Encoding.UTF8.GetBytes("the transcript");

        [Fact]
        public void A_signature_verifies_with_the_public_key_and_not_for_other_data_or_keys()
        {
            using var identity = IdentityKey.Create();
            using var other = IdentityKey.Create();
            Assert.Equal(IdentityKey.PublicKeyLength, identity.PublicKey.Length);
            Assert.Equal(0x04, identity.PublicKey[0]);
            Assert.Equal(130, identity.PublicKeyHex.Length);
            Assert.NotEqual(identity.PublicKeyHex, other.PublicKeyHex);

            var signature = identity.Sign(Data);
            Assert.Equal(IdentityKey.SignatureLength, signature.Length);
            using var verifier = SignatureVerifier.For(identity.PublicKey);
            using var otherVerifier = SignatureVerifier.For(other.PublicKey);
            Assert.True(verifier.Verify(Data, signature));
            Assert.False(otherVerifier.Verify(Data, signature));

            var changed = (byte[])Data.Clone();
            changed[0] ^= 1;
            Assert.False(verifier.Verify(changed, signature));
            for (var i = 0; i < signature.Length; i += 7)
            {
                var bad = (byte[])signature.Clone();
                bad[i] ^= 0x40;
                Assert.False(verifier.Verify(Data, bad));
            }

            Assert.False(verifier.Verify(Data, signature.Take(63).ToArray()));
            Assert.False(verifier.Verify(Data, signature.Concat(new byte[1]).ToArray()));
        }

        [Fact]
        public void Sign_with_an_offset_signs_only_the_slice()
        {
            using var identity = IdentityKey.Create();
            using var verifier = SignatureVerifier.For(identity.PublicKey);
            var buffer = new byte[] { 1, 2, 3, 4, 5, 6 };
            var signature = identity.Sign(buffer, 2, 3);
            Assert.True(verifier.Verify(new byte[] { 3, 4, 5 }, signature));
            Assert.True(verifier.Verify(buffer, 2, 3, signature));
            Assert.False(verifier.Verify(buffer, signature));
        }

        [Fact]
        public void Signing_and_verifying_from_many_threads_at_once_is_safe()
        {
            using var identity = IdentityKey.Create();
            using var verifier = SignatureVerifier.For(identity.PublicKey);
            var results = new bool[64];
            Parallel.For(0, results.Length, i =>
            {
                var data = BitConverter.GetBytes(i);
                results[i] = verifier.Verify(data, identity.Sign(data));
            });
            Assert.All(results, Assert.True);
        }

        [Fact]
        public void A_verifier_for_an_invalid_public_key_rejects_everything()
        {
            using var identity = IdentityKey.Create();
            var signature = identity.Sign(Data);
            var notOnCurve = (byte[])identity.PublicKey.Clone();
            notOnCurve[40] ^= 1;
            var compressedPrefix = (byte[])identity.PublicKey.Clone();
            compressedPrefix[0] = 0x02;
            foreach (var bad in new[] { notOnCurve, compressedPrefix, new byte[65], new byte[0], identity.PublicKey.Take(64).ToArray(), new byte[66] })
            {
                using var verifier = SignatureVerifier.For(bad);
                Assert.False(verifier.Verify(Data, signature));
            }
        }

        [Fact]
        public void LoadOrCreate_creates_the_file_and_its_folders_then_loads_the_same_identity()
        {
            using var temp = new TempDirectory();
            var path = Path.Combine(temp.Path, "nested", "deeper", "web01.identity");
            string publicKey;
            byte[] signature;
            using (var created = IdentityKey.LoadOrCreate(path))
            {
                Assert.True(File.Exists(path));
                publicKey = created.PublicKeyHex;
                signature = created.Sign(Data);
            }

            Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary left behind
            using var loaded = IdentityKey.LoadOrCreate(path);
            Assert.Equal(publicKey, loaded.PublicKeyHex);
            using var loadedDirect = IdentityKey.Load(path);
            Assert.Equal(publicKey, loadedDirect.PublicKeyHex);
            using var verifier = SignatureVerifier.For(loaded.PublicKey);
            Assert.True(verifier.Verify(Data, signature));
            using var verifierOld = SignatureVerifier.For(loadedDirect.PublicKey);
            Assert.True(verifierOld.Verify(Data, loaded.Sign(Data)));

            var text = File.ReadAllText(path);
            Assert.StartsWith("dsn-identity-v1\n", text);
        }

        [Fact]
        public void The_identity_file_is_readable_only_by_its_owner()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return;
            using var temp = new TempDirectory();
            var path = temp.File("a.identity");
            using (IdentityKey.LoadOrCreate(path))
            {
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void Concurrent_LoadOrCreate_of_one_path_agrees_on_one_identity()
        {
            using var temp = new TempDirectory();
            var path = temp.File("race.identity");
            var keys = new string[8];
            Parallel.For(0, keys.Length, i =>
            {
                using var identity = IdentityKey.LoadOrCreate(path);
                keys[i] = identity.PublicKeyHex;
            });
            using var final = IdentityKey.Load(path);
            Assert.All(keys, k => Assert.Equal(final.PublicKeyHex, k));
        }

        public static TheoryData<string, string> CorruptFiles()
        {
            var d = new string('1', 64);
            var x = new string('2', 64);
            return new TheoryData<string, string>
            {
                { "empty", "" },
                { "garbage", "this is not a key\n" },
                { "wrong header", $"dsn-identity-v2\n{d}\n{x}\n{x}\n" },
                { "missing line", $"dsn-identity-v1\n{d}\n{x}\n" },
                { "extra line", $"dsn-identity-v1\n{d}\n{x}\n{x}\n{x}\n" },
                { "bad hex", $"dsn-identity-v1\n{new string('g', 64)}\n{x}\n{x}\n" },
                { "short coordinate", $"dsn-identity-v1\n{d}\n{new string('2', 62)}\n{x}\n" },
                { "odd length", $"dsn-identity-v1\n{d}\n{new string('2', 63)}\n{x}\n" },
                { "binary", "\u0000\u0001\u0002" },
            };
        }

        [Theory]
        [MemberData(nameof(CorruptFiles))]
        public void A_corrupt_identity_file_is_an_ArgumentException_naming_the_file_and_the_fix(string name, string contents)
        {
            using var temp = new TempDirectory();
            var path = temp.WriteSecret(name.Replace(' ', '-') + ".identity", contents);
            var error = Assert.Throws<ArgumentException>(() => IdentityKey.LoadOrCreate(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("dsn-identity-v1", error.Message);
            Assert.Contains("Delete it", error.Message);
            // The corrupt file is left for the operator; nothing overwrote it.
            Assert.Equal(contents, File.ReadAllText(path));
        }

        [Fact]
        public void An_identity_file_whose_key_is_not_a_valid_P256_key_is_an_ArgumentException()
        {
            // Well-formed text, but the public point was edited (disk corruption, a hand edit): not a key at all.
            using var temp = new TempDirectory();
            var path = temp.File("edited.identity");
            using (IdentityKey.LoadOrCreate(path))
            {
            }

            var lines = File.ReadAllText(path).Split('\n');
            lines[2] = (lines[2][0] == '0' ? "1" : "0") + lines[2].Substring(1);
            temp.WriteSecret("edited.identity", string.Join("\n", lines));
            var error = Assert.Throws<ArgumentException>(() => IdentityKey.Load(path));
            Assert.Contains(path, error.Message);
        }
    }
}
