using System.Collections.Generic;
using System.IO;
using DistributedState.Protocol;

namespace DistributedState.Storage
{
    /// <summary>
    /// What a node remembers of its network between runs: the port it listened on and the members it knew, with the
    /// endpoint each advertised. On start the node dials them when its bootstrap list does not get it in (a full
    /// outage), and later re-dials those it has no connection to (islands merge). Immutable.
    /// Encoded as <c>u16 own port || u32 count || (short-string NodeId || short-string host || u16 port) × count</c>.
    /// </summary>
    internal sealed class MemberList
    {
        public MemberList(int ownPort, IReadOnlyList<KeyValuePair<string, DsnEndpoint>> members)
        {
            OwnPort = ownPort;
            Members = members;
        }

        /// <summary>The port this node listened on when the list was written.</summary>
        public int OwnPort { get; }

        /// <summary>NodeId → advertised endpoint of every other member known then.</summary>
        public IReadOnlyList<KeyValuePair<string, DsnEndpoint>> Members { get; }

        public WireWriter Encode()
        {
            var writer = new WireWriter(16 + Members.Count * 48);
            writer.U16((ushort)OwnPort);
            writer.U32((uint)Members.Count);
            foreach (var member in Members)
            {
                writer.ShortString(member.Key);
                writer.ShortString(member.Value.Host);
                writer.U16((ushort)member.Value.Port);
            }

            return writer;
        }

        /// <exception cref="DsnDataFileException">The payload is malformed.</exception>
        public static MemberList Decode(string path, WireReader payload)
        {
            try
            {
                var ownPort = payload.U16();
                var members = new List<KeyValuePair<string, DsnEndpoint>>();
                for (var i = payload.Count(6); i > 0; i--)
                {
                    var nodeId = payload.ShortString(ProtocolLimits.MaxNodeIdBytes);
                    var host = payload.ShortString(ProtocolLimits.MaxHostBytes);
                    var port = payload.U16();
                    if (port == 0 || string.IsNullOrWhiteSpace(host))
                        throw new InvalidDataException($"member '{nodeId}' has no endpoint");
                    members.Add(new KeyValuePair<string, DsnEndpoint>(nodeId, new DsnEndpoint(host, port)));
                }

                payload.End();
                return new MemberList(ownPort, members);
            }
            catch (InvalidDataException error)
            {
                throw new DsnDataFileException(path, DsnDataFileProblem.Corrupt, "its member list is malformed: " + error.Message, error);
            }
        }
    }
}
