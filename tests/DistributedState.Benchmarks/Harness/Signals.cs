using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>What the process-based clusters need from the OS: signals by pid and free loopback ports.</summary>
    internal static class Signals
    {
        /// <summary>Sends a signal (e.g. "-STOP", "-CONT", "-INT") with /bin/kill.</summary>
        public static void Send(int pid, string signal)
        {
            using var kill = Process.Start(new ProcessStartInfo("/bin/kill") { ArgumentList = { signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            kill.WaitForExit();
            if (kill.ExitCode != 0)
                throw new InvalidOperationException($"/bin/kill {signal} {pid} failed with exit code {kill.ExitCode}");
        }

        /// <summary>
        /// A loopback port free for both TCP and UDP right now, for programs that cannot bind port 0 and report it
        /// (Serf). Another program may take it before the caller binds it; the caller's start then fails visibly.
        /// </summary>
        public static int FreePort()
        {
            while (true)
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                    // Taken for UDP: try another.
                }
            }
        }
    }
}
