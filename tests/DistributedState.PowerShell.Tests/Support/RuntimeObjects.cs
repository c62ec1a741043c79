using System;
using System.Reflection;

namespace DistributedState.PowerShell.Tests.Support
{
    /// <summary>
    /// Builds the runtime's snapshot objects, whose constructors are internal, so selection logic is tested with exact
    /// data and without sockets.
    /// </summary>
    internal static class RuntimeObjects
    {
        public static DsnDataEntry Entry(string nodeId, string key, string value, long version = 1, DsnPeerStatus status = DsnPeerStatus.Alive, TimeSpan age = default) =>
            Create<DsnDataEntry>(nodeId, key, value, version, status, DateTimeOffset.UnixEpoch, age, null!, null!, null!);

        public static DsnPeer Peer(string nodeId, DsnPeerStatus status = DsnPeerStatus.Alive) =>
            Create<DsnPeer>(nodeId, new DsnEndpoint("127.0.0.1", 7946), status, DateTimeOffset.UnixEpoch, 0, 1L, "00", false, null!);

        private static T Create<T>(params object[] args) =>
            (T)Activator.CreateInstance(typeof(T), BindingFlags.Instance | BindingFlags.NonPublic, null, args, null)!;
    }
}
