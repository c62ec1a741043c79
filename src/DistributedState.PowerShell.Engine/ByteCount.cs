using System.Globalization;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>A number of bytes as messages say it: "1 byte", "0 bytes", "1048576 bytes".</summary>
    public static class ByteCount
    {
        /// <summary>The count with its unit, singular for exactly one.</summary>
        public static string Format(long bytes) =>
            bytes.ToString(CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
    }
}
