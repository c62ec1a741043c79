using DistributedState.Security;

namespace DistributedState.Sessions
{
    /// <summary>What a completed handshake proves and provides: the peer's identity and the session's ciphers.</summary>
    internal sealed class HandshakeResult
    {
        public HandshakeResult(byte[] peerPublicKey, byte[] peerIdentity, FrameSealer sealer, FrameOpener opener)
        {
            PeerPublicKey = peerPublicKey;
            PeerIdentity = peerIdentity;
            Sealer = sealer;
            Opener = opener;
        }

        /// <summary>The key that signed the transcript.</summary>
        public byte[] PeerPublicKey { get; }

        /// <summary>The peer's identity statement (an encoded alive record), opaque to the handshake.</summary>
        public byte[] PeerIdentity { get; }

        public FrameSealer Sealer { get; }

        public FrameOpener Opener { get; }
    }
}
