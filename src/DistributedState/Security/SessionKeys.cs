using System;

namespace DistributedState.Security
{
    /// <summary>
    /// The keys of one session (docs/protocol.md, "Keys"): HKDF-SHA256 with the network key and the ephemeral
    /// Diffie-Hellman secret as input key material and the hash of the handshake so far as salt. Without the secret,
    /// which only the two ephemeral private keys can compute, the network key and everything on the wire give nothing:
    /// a member that records or relays a session can neither read nor forge its frames, now or after the fact.
    /// </summary>
    internal sealed class SessionKeys
    {
        private const int KeyLength = 32;

        private SessionKeys(byte[] material)
        {
            InitiatorToResponderEncryption = Slice(material, 0);
            InitiatorToResponderMac = Slice(material, 1);
            ResponderToInitiatorEncryption = Slice(material, 2);
            ResponderToInitiatorMac = Slice(material, 3);
            Binding = Slice(material, 4);
            Array.Clear(material, 0, material.Length);
        }

        public byte[] InitiatorToResponderEncryption { get; }

        public byte[] InitiatorToResponderMac { get; }

        public byte[] ResponderToInitiatorEncryption { get; }

        public byte[] ResponderToInitiatorMac { get; }

        /// <summary>
        /// A value only the two ends can compute, signed in both proofs, so each signature covers the secret the
        /// signer derived as well as the ephemeral keys it saw.
        /// </summary>
        public byte[] Binding { get; }

        /// <param name="networkKey">The network key (16 or 32 bytes).</param>
        /// <param name="sharedSecret">The ephemeral Diffie-Hellman secret (<see cref="EphemeralKey.DeriveSharedSecret"/>).</param>
        /// <param name="helloHash">SHA-256 of the domain label, the hello and the challenge (both ephemeral public keys and nonces).</param>
        public static SessionKeys Derive(byte[] networkKey, byte[] sharedSecret, byte[] helloHash)
        {
            // The network key goes in the key material, not the salt: HMAC pads a short key with zeros, so as a salt
            // a 128-bit key would equal itself padded to 256 bits.
            var input = new byte[networkKey.Length + sharedSecret.Length];
            Buffer.BlockCopy(networkKey, 0, input, 0, networkKey.Length);
            Buffer.BlockCopy(sharedSecret, 0, input, networkKey.Length, sharedSecret.Length);
            var keys = new SessionKeys(Hkdf.DeriveKey(input, helloHash, "dsn/v2 session", 5 * KeyLength));
            Array.Clear(input, 0, input.Length);
            return keys;
        }

        private static byte[] Slice(byte[] material, int index)
        {
            var key = new byte[KeyLength];
            Buffer.BlockCopy(material, index * KeyLength, key, 0, KeyLength);
            return key;
        }
    }
}
