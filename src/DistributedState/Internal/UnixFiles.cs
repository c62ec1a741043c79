using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DistributedState.Internal
{
    /// <summary>
    /// The few POSIX file calls that netstandard2.0 lacks (create with a mode, mkdir with a mode, fstat's owner and
    /// mode, link, rename), made through .NET's own shim libSystem.Native, which every .NET (Core) runtime on Unix
    /// ships beside its framework and uses for its own file I/O. Not libc directly, because the shim's signatures are
    /// the same on every Unix: <c>open(2)</c> is variadic, and on Apple silicon a variadic argument (the mode) is
    /// passed where a P/Invoke does not put it; <c>struct stat</c> differs per OS and architecture, and older glibc
    /// exports no <c>stat</c> symbol at all. The shim's <c>FileStatus</c> has begun with Flags, Mode, Uid, Gid since
    /// .NET Core 1.0; its later fields are left unread.
    /// </summary>
    internal static class UnixFiles
    {
        private const string Shim = "libSystem.Native";

        // The shim's own flag values (PAL_O_*), the same on every Unix; it translates them to the platform's.
        private const int OpenWriteOnly = 0x0001;
        private const int OpenCloseOnExec = 0x0010;
        private const int OpenCreate = 0x0020;
        private const int OpenExclusive = 0x0040;

        /// <summary>EEXIST, 17 on Linux, macOS and the BSDs.</summary>
        public const int AlreadyExists = 17;

        public const int OwnerReadWrite = 0x180; // 0600
        public const int OwnerOnlyDirectory = 0x1C0; // 0700

        /// <summary>
        /// Creates <paramref name="path"/>, which must not exist (not even as a symbolic link: O_CREAT|O_EXCL never
        /// follows one), with the permission bits <paramref name="mode"/> from the first instant, less the umask.
        /// </summary>
        public static FileStream CreateNew(string path, int mode)
        {
            var fd = SystemNative_Open(path, OpenWriteOnly | OpenCreate | OpenExclusive | OpenCloseOnExec, mode);
            if (fd == new IntPtr(-1))
            {
                var errno = Marshal.GetLastWin32Error();
                throw new IOException(errno == AlreadyExists
                    ? $"The file '{path}' already exists."
                    : $"Could not create '{path}' (open failed with errno {errno}).");
            }

            return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write);
        }

        /// <summary>Creates one directory with <paramref name="mode"/> (less the umask); false if it already exists.</summary>
        public static bool CreateDirectory(string path, int mode)
        {
            if (SystemNative_MkDir(path, mode) == 0)
                return true;
            var errno = Marshal.GetLastWin32Error();
            if (errno == AlreadyExists)
                return false;
            throw new IOException($"Could not create the directory '{path}' (mkdir failed with errno {errno}).");
        }

        /// <summary>The owner's user id and the permission bits (mode &amp; 07777) of an open file.</summary>
        public static (uint Owner, int Mode) OwnerAndMode(SafeFileHandle file, string path)
        {
            if (SystemNative_FStat(file, out var status) != 0)
                throw new IOException($"Could not read the owner and permissions of '{path}' (fstat failed with errno {Marshal.GetLastWin32Error()}).");
            return (status.Uid, status.Mode & 0xFFF);
        }

        /// <summary>The effective user id of this process.</summary>
        public static uint EffectiveUserId() => SystemNative_GetEUid();

        /// <summary>Gives <paramref name="existing"/> a second name; fails with EEXIST if <paramref name="newPath"/> exists.</summary>
        public static int Link(string existing, string newPath) => SystemNative_Link(existing, newPath) == 0 ? 0 : Marshal.GetLastWin32Error();

        /// <summary>Moves <paramref name="source"/> over <paramref name="destination"/> atomically, replacing it.</summary>
        public static void Rename(string source, string destination)
        {
            if (SystemNative_Rename(source, destination) != 0)
                throw new IOException($"Could not move '{source}' to '{destination}' (rename failed with errno {Marshal.GetLastWin32Error()}).");
        }

        [StructLayout(LayoutKind.Sequential, Size = 512)] // larger than any runtime's FileStatus; only the head is read
        private struct FileStatus
        {
            public int Flags;
            public int Mode;
            public uint Uid;
            public uint Gid;
        }

        [DllImport(Shim, SetLastError = true)]
        private static extern IntPtr SystemNative_Open(string path, int flags, int mode);

        [DllImport(Shim, SetLastError = true)]
        private static extern int SystemNative_MkDir(string path, int mode);

        [DllImport(Shim, SetLastError = true)]
        private static extern int SystemNative_FStat(SafeFileHandle fd, out FileStatus output);

        [DllImport(Shim)]
        private static extern uint SystemNative_GetEUid();

        [DllImport(Shim, SetLastError = true)]
        private static extern int SystemNative_Link(string source, string linkTarget);

        [DllImport(Shim, SetLastError = true)]
        private static extern int SystemNative_Rename(string oldPath, string newPath);
    }
}
