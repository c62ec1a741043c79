using System;

namespace DistributedState.Security
{
    /// <summary>The four keys of a session, derived with HKDF from the network key and both handshake nonces.</summary>
    internal sealed class SessionKeys
    {
        private SessionKeys(byte[] material)
        {
            InitiatorToResponderEncryption = Slice(material, 0);
            InitiatorToResponderMac = Slice(material, 32);
            ResponderToInitiatorEncryption = Slice(material, 64);
            ResponderToInitiatorMac = Slice(material, 96);
        }

        public byte[] InitiatorToResponderEncryption { get; }

        public byte[] InitiatorToResponderMac { get; }

        public byte[] ResponderToInitiatorEncryption { get; }

        public byte[] ResponderToInitiatorMac { get; }

        public static SessionKeys Derive(byte[] networkKey, byte[] initiatorNonce, byte[] responderNonce)
        {
            var salt = new byte[initiatorNonce.Length + responderNonce.Length];
            Buffer.BlockCopy(initiatorNonce, 0, salt, 0, initiatorNonce.Length);
            Buffer.BlockCopy(responderNonce, 0, salt, initiatorNonce.Length, responderNonce.Length);
            return new SessionKeys(Hkdf.DeriveKey(networkKey, salt, "dsn/v1 session", 128));
        }

        private static byte[] Slice(byte[] material, int offset)
        {
            var key = new byte[32];
            Buffer.BlockCopy(material, offset, key, 0, 32);
            return key;
        }
    }
}
