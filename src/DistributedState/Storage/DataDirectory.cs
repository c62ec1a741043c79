using System.Linq;
using System;
using System.Collections.Generic;
using System.IO;
using DistributedState.Protocol;
using DistributedState.Security;

namespace DistributedState.Storage
{
    /// <summary>
    /// A node's data directory (<see cref="DsnNodeOptions.DataPath"/>): <c>identity.key</c> (unless IdentityPath says
    /// otherwise), <c>state.dsn</c> (the node's own signed batches) and <c>members.dsn</c> (the members it knew). Each
    /// file is replaced whole and atomically (<see cref="AtomicFile"/>) inside a checksummed envelope
    /// (<see cref="DataFile"/>). Thread-safe for one writer per file (the node's persist loop).
    /// </summary>
    internal sealed class DataDirectory
    {
        private readonly string _nodeId;
        private readonly Func<IReadOnlyList<DsnNetworkKey>> _networkKeys;

        /// <param name="path">The directory.</param>
        /// <param name="nodeId">The node it belongs to.</param>
        /// <param name="networkKeys">The node's network keys, primary first, read at every save and load: files are
        /// written under the primary and read under any key of the ring, so a key rotation never orphans them.</param>
        public DataDirectory(string path, string nodeId, Func<IReadOnlyList<DsnNetworkKey>> networkKeys)
        {
            Path = System.IO.Path.GetFullPath(path);
            _nodeId = nodeId;
            _networkKeys = networkKeys;
        }

        /// <summary>The directory, as a full path.</summary>
        public string Path { get; }

        /// <summary>Where the identity key lives when no IdentityPath is given.</summary>
        public string IdentityPath => System.IO.Path.Combine(Path, "identity.key");

        public string StatePath => System.IO.Path.Combine(Path, "state.dsn");

        public string MembersPath => System.IO.Path.Combine(Path, "members.dsn");

        /// <summary>Creates the directory if needed and deletes what a crash left half-written.</summary>
        /// <exception cref="DsnArgumentException">The path names a file.</exception>
        public void Prepare()
        {
            if (File.Exists(Path))
                throw new DsnArgumentException(DsnArgument.Option, $"The data path '{Path}' is a file; give a directory (it is created when missing).", nameof(DsnNodeOptions.DataPath));
            Directory.CreateDirectory(Path);
            AtomicFile.RemoveLeftovers(StatePath);
            AtomicFile.RemoveLeftovers(MembersPath);
        }

        /// <summary>The batches of the last run, oldest first; null when there is no state file.</summary>
        /// <exception cref="DsnDataFileException">The file is damaged, or another node's or network's.</exception>
        public List<SignedBatch>? LoadOwnState(SignatureVerifier ownKey)
        {
            var payload = Open(StatePath, DataFileKind.OwnState);
            return payload is null ? null : OwnStateFile.Decode(StatePath, payload, _nodeId, ownKey);
        }

        public void SaveOwnState(IReadOnlyList<SignedBatch> batches) => Save(StatePath, DataFileKind.OwnState, OwnStateFile.Encode(batches));

        /// <summary>The members of the last run; null when there is no member file.</summary>
        /// <exception cref="DsnDataFileException">The file is damaged, or another node's or network's.</exception>
        public MemberList? LoadMembers()
        {
            var payload = Open(MembersPath, DataFileKind.Members);
            return payload is null ? null : MemberList.Decode(MembersPath, payload);
        }

        public void SaveMembers(MemberList members) => Save(MembersPath, DataFileKind.Members, members.Encode());

        private WireReader? Open(string path, DataFileKind kind)
        {
            byte[] content;
            try
            {
                content = File.ReadAllBytes(path);
            }
            catch (FileNotFoundException)
            {
                return null;
            }

            return DataFile.Open(path, content, kind, _nodeId, _networkKeys().Select(k => DataFile.Fingerprint(k.Bytes)).ToList());
        }

        private void Save(string path, DataFileKind kind, WireWriter payload)
        {
            var file = DataFile.Encode(kind, _nodeId, DataFile.Fingerprint(_networkKeys()[0].Bytes), payload);
            AtomicFile.Replace(path, file.Buffer, file.Length);
        }
    }
}
