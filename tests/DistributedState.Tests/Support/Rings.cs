using DistributedState.Internal;

namespace DistributedState.Tests.Support
{
    /// <summary>Keyrings from raw key bytes, for tests that work below the node.</summary>
    internal static class Rings
    {
        public static DsnNetworkKeyring Of(params byte[][] keys)
        {
            var parsed = System.Array.ConvertAll(keys, k => DsnNetworkKey.Parse(Hex.Encode(k)));
            return new DsnNetworkKeyring(parsed[0], parsed);
        }
    }
}
