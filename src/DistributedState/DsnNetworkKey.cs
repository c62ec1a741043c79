using System;
using System.Security.Cryptography;
using DistributedState.Internal;
using DistributedState.Security;

namespace DistributedState
{
    /// <summary>
    /// The shared secret of a network: 256 bits by default, 128 bits accepted for compatibility with the
    /// Python package's 32-hex-character keys. Nodes with different keys cannot exchange a single byte
    /// of state. Stored and exchanged by operators as hexadecimal text.
    /// </summary>
    public sealed class DsnNetworkKey
    {
        /// <summary>The length of <see cref="Id"/> in hexadecimal characters.</summary>
        public const int IdLength = 16;

        private readonly byte[] _bytes;

        private DsnNetworkKey(byte[] bytes)
        {
            _bytes = bytes;
            // One-way, and under a label of its own: knowing the id gives nothing towards the key nor any key derived from it.
            Id = Hex.Encode(Hkdf.DeriveKey(bytes, Array.Empty<byte>(), "dsn/v2 key id", IdLength / 2));
        }

        /// <summary>The key length in bits: 128 or 256.</summary>
        public int Bits => _bytes.Length * 8;

        /// <summary>
        /// A fingerprint that names the key without revealing it (16 hexadecimal characters, HKDF-SHA256 of the key):
        /// what <c>Get-DsnNetworkKey</c> shows and what <c>Set-DsnPrimaryNetworkKey -KeyId</c> accepts.
        /// </summary>
        public string Id { get; }

        /// <summary>True when <paramref name="text"/> has the form of a key id (16 hexadecimal characters, any case).</summary>
        public static bool IsKeyId(string? text) => text is not null && text.Length == IdLength && Hex.TryDecode(text, out _);

        /// <summary>Creates a new random key.</summary>
        /// <param name="bits">128 or 256.</param>
        /// <exception cref="ArgumentException"><paramref name="bits"/> is not 128 or 256.</exception>
        public static DsnNetworkKey Generate(int bits = 256)
        {
            if (bits != 128 && bits != 256)
                throw new ArgumentException($"A network key has 128 or 256 bits; {bits} was requested.", nameof(bits));
            var bytes = new byte[bits / 8];
            using (var random = RandomNumberGenerator.Create())
                random.GetBytes(bytes);
            return new DsnNetworkKey(bytes);
        }

        /// <summary>Parses a key from 32 or 64 hexadecimal characters (surrounding white space is ignored).</summary>
        /// <exception cref="ArgumentException">The text is not 32 or 64 hexadecimal characters.</exception>
        public static DsnNetworkKey Parse(string hex)
        {
            if (TryParse(hex, out var key, out var error))
                return key!;
            throw new ArgumentException(error, nameof(hex));
        }

        /// <summary>Tries to parse a key; see <see cref="Parse"/>.</summary>
        public static bool TryParse(string? hex, out DsnNetworkKey? key) => TryParse(hex, out key, out _);

        private static bool TryParse(string? hex, out DsnNetworkKey? key, out string error)
        {
            key = null;
            var text = hex?.Trim() ?? string.Empty;
            if (text.Length != 32 && text.Length != 64)
            {
                error = $"A network key is 32 or 64 hexadecimal characters (128 or 256 bits); the text has {text.Length} characters.";
                return false;
            }

            if (!Hex.TryDecode(text, out var bytes))
            {
                error = "A network key may contain only the hexadecimal characters 0-9 and a-f.";
                return false;
            }

            key = new DsnNetworkKey(bytes);
            error = string.Empty;
            return true;
        }

        /// <summary>
        /// Reads the primary key of a key file written by <see cref="Save"/>, <c>New-DsnKey</c> or a node's keyring
        /// (<see cref="DsnNetworkKeyring.Load"/> reads the whole ring).
        /// </summary>
        /// <exception cref="ArgumentException">The file does not hold a valid key.</exception>
        /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="DsnKeyFileInsecureException">
        /// On Unix, group or other users have some permission on the file, or another user owns it: its message gives
        /// the fix, <c>chmod 600 &lt;path&gt;</c>.
        /// </exception>
        public static DsnNetworkKey Load(string path) => DsnNetworkKeyring.Load(path).Primary;

        /// <summary>Parses a key, with the reason when the text is not one.</summary>
        internal static DsnNetworkKey? ParseOrExplain(string? hex, out string error) => TryParse(hex, out var key, out error) ? key : null;

        /// <summary>
        /// Writes the key as hexadecimal text to a file only the current user can read: created mode 0600 on Unix (and
        /// missing directories 0700), with an owner-only DACL on Windows, before the key is written; the file appears
        /// whole at <paramref name="path"/> by an atomic rename.
        /// </summary>
        /// <exception cref="System.IO.IOException">The file exists and <paramref name="overwrite"/> is false.</exception>
        public void Save(string path, bool overwrite = false) => PrivateFile.WriteAllText(path, ToString() + "\n", overwrite);

        /// <summary>Returns the key as lower-case hexadecimal text.</summary>
        public override string ToString() => Hex.Encode(_bytes);

        /// <summary>The raw key; callers must not modify it.</summary>
        internal byte[] Bytes => _bytes;
    }
}
