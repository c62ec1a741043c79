using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Benchmarks.Micro
{
    /// <summary>MessageCodec encode and decode of a PushMessage carrying one signed batch of 1 or 100 entries.</summary>
    [MemoryDiagnoser]
    public class CodecBenchmarks
    {
        private PushMessage _push = null!;
        private byte[] _encoded = Array.Empty<byte>();
        private readonly ProtocolLimits _limits = new ProtocolLimits(1024 * 1024, 1024 * 1024);

        [Params(1, 100)]
        public int Entries { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            using var identity = IdentityKey.Create();
            var entries = Enumerable.Range(1, Entries)
                .Select(i => new BatchEntry("key" + i.ToString(CultureInfo.InvariantCulture), 1000 + i, "a value of about thirty chars!"))
                .ToList();
            var commitment = entries.Aggregate(StateCommitment.Empty, (c, e) => c.With(e.Key, e.Version));
            var batch = SignedBatch.Create(identity, "node-01", 1000, 1000, 1000 + Entries, entries, commitment);
            _push = new PushMessage(2, new[] { batch });
            _encoded = MessageCodec.Encode(_push);
        }

        [Benchmark]
        public byte[] EncodePush() => MessageCodec.Encode(_push);

        [Benchmark]
        public object DecodePush() => MessageCodec.Decode(_encoded, 0, _encoded.Length, _limits);
    }

    /// <summary>AES-256-CTR + HMAC-SHA256 frame protection of a 1 KiB plaintext.</summary>
    [MemoryDiagnoser]
    [InvocationCount(1024, 1)]
    public class FrameBenchmarks
    {
        private const int Frames = 1024;
        private readonly byte[] _encryption = RandomNumberGenerator.GetBytes(32);
        private readonly byte[] _mac = RandomNumberGenerator.GetBytes(32);
        private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(1024);
        private FrameSealer _sealer = null!;
        private FrameOpener _opener = null!;
        private byte[][] _sealed = Array.Empty<byte[]>();
        private int _next;

        [GlobalSetup]
        public void Setup() => _sealer = new FrameSealer(_encryption, _mac);

        /// <summary>Open decrypts in place and refuses replays, so each iteration gets fresh frames and a fresh opener.</summary>
        [IterationSetup(Target = nameof(Open1KiB))]
        public void SealFreshFrames()
        {
            var sealer = new FrameSealer(_encryption, _mac);
            _sealed = Enumerable.Range(0, Frames).Select(_ => sealer.Seal(_plaintext)).ToArray();
            _opener?.Dispose();
            _opener = new FrameOpener(_encryption, _mac);
            _next = 0;
        }

        [Benchmark]
        public byte[] Seal1KiB() => _sealer.Seal(_plaintext);

        [Benchmark]
        public int Open1KiB()
        {
            if (_opener.Open(_sealed[_next++], out var length) != FrameRejection.None)
                throw new InvalidOperationException("a valid frame was refused");
            return length;
        }
    }

    /// <summary>ECDSA P-256 over SHA-256: the identity key signing and a member's verifier checking 256 bytes.</summary>
    [MemoryDiagnoser]
    public class SigningBenchmarks
    {
        private IdentityKey _identity = null!;
        private SignatureVerifier _verifier = null!;
        private readonly byte[] _data = RandomNumberGenerator.GetBytes(256);
        private byte[] _signature = Array.Empty<byte>();

        [GlobalSetup]
        public void Setup()
        {
            _identity = IdentityKey.Create();
            _verifier = SignatureVerifier.For(_identity.PublicKey);
            _signature = _identity.Sign(_data);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _identity.Dispose();
            _verifier.Dispose();
        }

        [Benchmark]
        public byte[] Sign() => _identity.Sign(_data);

        [Benchmark]
        public bool Verify() => _verifier.Verify(_data, _signature);
    }
}
