using System.Runtime.InteropServices;

namespace DistributedState.Jepsen.Controller
{
    /// <summary>The few libc calls the controller needs (Linux only; the run is skipped elsewhere before any is made).</summary>
    internal static class Posix
    {
        public const int SigKill = 9;
        public const int SigCont = 18;
        public const int SigStop = 19;

        [DllImport("libc", EntryPoint = "geteuid")]
        public static extern uint EffectiveUserId();

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Signal(int pid, int signal);
    }
}
