using System;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;

namespace DistributedState.Tests.Security
{
    public sealed class NetworkKeyTests
    {
        [Theory]
        [InlineData(128, 32)]
        [InlineData(256, 64)]
        public void Generate_makes_random_keys_of_the_requested_size(int bits, int hexLength)
        {
            var a = DsnNetworkKey.Generate(bits);
            var b = DsnNetworkKey.Generate(bits);
            Assert.Equal(bits, a.Bits);
            Assert.Equal(bits / 8, a.Bytes.Length);
            Assert.Equal(hexLength, a.ToString().Length);
            Assert.Matches("^[0-9a-f]+$", a.ToString());
            Assert.NotEqual(a.ToString(), b.ToString());
        }

        [Fact]
        public void Generate_defaults_to_256_bits()
        {
            Assert.Equal(256, DsnNetworkKey.Generate().Bits);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(64)]
        [InlineData(192)]
        [InlineData(512)]
        [InlineData(-256)]
        public void Generate_refuses_other_sizes_and_says_which_are_allowed(int bits)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnNetworkKey.Generate(bits));
            Assert.Contains("128 or 256", error.Message);
            Assert.Equal("bits", error.ParamName);
        }

        [Theory]
        [InlineData(128)]
        [InlineData(256)]
        public void Parse_round_trips_ToString(int bits)
        {
            var key = DsnNetworkKey.Generate(bits);
            var parsed = DsnNetworkKey.Parse(key.ToString());
            Assert.Equal(key.Bytes, parsed.Bytes);
            Assert.True(DsnNetworkKey.TryParse(key.ToString(), out var tried));
            Assert.Equal(key.Bytes, tried!.Bytes);
        }

        [Fact]
        public void Parse_accepts_upper_case_and_surrounding_white_space()
        {
            var key = DsnNetworkKey.Generate();
            var upper = DsnNetworkKey.Parse(key.ToString().ToUpperInvariant());
            Assert.Equal(key.Bytes, upper.Bytes);
            Assert.Equal(key.ToString(), upper.ToString()); // always written lower case
            Assert.Equal(key.Bytes, DsnNetworkKey.Parse("  \t" + key + "\r\n").Bytes);
        }

        [Fact]
        public void The_python_packages_32_character_keys_parse_as_128_bits()
        {
            var key = DsnNetworkKey.Parse("00112233445566778899aabbccddeeff");
            Assert.Equal(128, key.Bits);
            Assert.Equal(new byte[] { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }, key.Bytes);
        }

        public static TheoryData<string?, string> BadKeys() => new TheoryData<string?, string>
        {
            { null, "32 or 64" },
            { "", "32 or 64" },
            { "   ", "32 or 64" },
            { "abcd", "has 4 characters" },
            { new string('a', 31), "has 31 characters" },
            { new string('a', 33), "has 33 characters" },
            { new string('a', 48), "has 48 characters" },
            { new string('a', 63), "has 63 characters" },
            { new string('a', 65), "has 65 characters" },
            { new string('a', 128), "has 128 characters" },
            { new string('g', 64), "hexadecimal" },
            { new string('a', 31) + "z", "hexadecimal" },
            { "0x" + new string('a', 62), "hexadecimal" },
            { new string('a', 30) + " a", "hexadecimal" },
            { new string('a', 16) + "\n" + new string('a', 15), "hexadecimal" },
            { new string('é', 32), "hexadecimal" },
        };

        [Theory]
        [MemberData(nameof(BadKeys))]
        public void Parse_refuses_anything_but_32_or_64_hex_characters_with_a_useful_message(string? text, string expected)
        {
            var error = Assert.Throws<ArgumentException>(() => DsnNetworkKey.Parse(text!));
            Assert.Contains(expected, error.Message);
            Assert.False(DsnNetworkKey.TryParse(text, out var key));
            Assert.Null(key);
        }

        [Fact]
        public void Save_then_Load_round_trips_and_the_file_is_private()
        {
            using var temp = new TempDirectory();
            var path = Path.Combine(temp.Path, "sub", "net.key");
            var key = DsnNetworkKey.Generate();
            key.Save(path);
            Assert.Equal(key.ToString() + "\n", File.ReadAllText(path));
            Assert.Equal(key.Bytes, DsnNetworkKey.Load(path).Bytes);
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void Save_refuses_to_overwrite_unless_asked()
        {
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            var first = DsnNetworkKey.Generate();
            first.Save(path);
            var second = DsnNetworkKey.Generate(128);
            var error = Assert.Throws<IOException>(() => second.Save(path));
            Assert.Contains("already exists", error.Message);
            Assert.Equal(first.Bytes, DsnNetworkKey.Load(path).Bytes);

            second.Save(path, overwrite: true);
            Assert.Equal(second.Bytes, DsnNetworkKey.Load(path).Bytes);
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Single(Directory.GetFiles(temp.Path)); // no temporary files left behind
        }

        [Fact]
        public void Save_over_a_world_readable_file_leaves_a_private_file()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return;
            using var temp = new TempDirectory();
            var path = temp.File("net.key");
            File.WriteAllText(path, "old");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            DsnNetworkKey.Generate().Save(path, overwrite: true);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void Load_of_a_file_with_a_bad_key_names_the_file_and_the_problem()
        {
            using var temp = new TempDirectory();
            var path = temp.WriteSecret("bad.key", "not a key\n");
            var error = Assert.Throws<ArgumentException>(() => DsnNetworkKey.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("32 or 64", error.Message);
        }

        [Fact]
        public void Load_accepts_a_key_written_by_hand_with_windows_line_endings()
        {
            using var temp = new TempDirectory();
            var key = DsnNetworkKey.Generate(128);
            var path = temp.WriteSecret("hand.key", key.ToString().ToUpperInvariant() + "\r\n");
            Assert.Equal(key.Bytes, DsnNetworkKey.Load(path).Bytes);
        }

        [Fact]
        public void Load_of_a_missing_file_or_an_empty_path_says_so()
        {
            using var temp = new TempDirectory();
            Assert.Throws<FileNotFoundException>(() => DsnNetworkKey.Load(temp.File("missing.key")));
            Assert.Throws<ArgumentException>(() => DsnNetworkKey.Load(""));
            Assert.Throws<ArgumentException>(() => DsnNetworkKey.Load("  "));
            Assert.Throws<ArgumentException>(() => DsnNetworkKey.Generate().Save(" "));
        }
    }
}
