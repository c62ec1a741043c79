using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DistributedState.Internal
{
    /// <summary>
    /// Creates files and directories on Windows with an owner-only protected DACL from the first instant
    /// (<c>CreateFileW</c>/<c>CreateDirectoryW</c> given the security descriptor), through the Win32 API itself:
    /// netstandard2.0 has no ACL types, and the System.IO.FileSystem.AccessControl package would put a second
    /// FileSecurity beside mscorlib's in Windows PowerShell 5.1 (the module ships no such DLL: docs/design-notes.md,
    /// "Loading"). Not run by this project's CI, which is Linux only.
    /// </summary>
    internal static class WindowsFiles
    {
        private const uint GenericWrite = 0x40000000;
        private const uint CreateNewOnly = 1; // CREATE_NEW
        private const uint AttributeNormal = 0x80;
        private const uint MoveReplaceExisting = 0x1;
        private const uint MoveWriteThrough = 0x8;
        private const uint TokenQuery = 0x0008;
        private const int TokenUserClass = 1;
        private const int FileExists = 80; // ERROR_FILE_EXISTS
        private const int AlreadyExists = 183; // ERROR_ALREADY_EXISTS

        /// <summary>
        /// The security descriptor of a secret file or directory, in SDDL: owned by <paramref name="userSid"/>, a
        /// protected DACL ("P": nothing inherited from the parent) that allows full control to that user and to
        /// LocalSystem ("SY") only. SYSTEM is kept because it can read any file anyway (backup and take-ownership
        /// privileges) and services, backup and antivirus run as it; Administrators are left out, so an administrator
        /// has to take ownership first, a deliberate act that shows in the file's owner and the security log.
        /// Directories pass the same two entries on to what is created in them ("OICI").
        /// </summary>
        public static string SecurityDescriptor(string userSid, bool directory)
        {
            var inherit = directory ? "OICI" : string.Empty;
            return $"O:{userSid}D:P(A;{inherit};FA;;;{userSid})(A;{inherit};FA;;;SY)";
        }

        /// <summary>Creates <paramref name="path"/>, which must not exist, readable and writable by the current user only.</summary>
        public static FileStream CreateNew(string path)
        {
            SafeFileHandle handle;
            using (var security = new SecurityAttributes(directory: false))
                handle = CreateFileW(path, GenericWrite, 0, ref security.Value, CreateNewOnly, AttributeNormal, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                var error = Marshal.GetLastWin32Error();
                handle.Dispose();
                throw new IOException(error == FileExists || error == AlreadyExists
                    ? $"The file '{path}' already exists."
                    : $"Could not create '{path}': {new Win32Exception(error).Message}");
            }

            return new FileStream(handle, FileAccess.Write);
        }

        /// <summary>Creates one directory that only the current user (and SYSTEM) can enter; false if it exists.</summary>
        public static bool CreateDirectory(string path)
        {
            using var security = new SecurityAttributes(directory: true);
            if (CreateDirectoryW(path, ref security.Value))
                return true;
            var error = Marshal.GetLastWin32Error();
            if (error == AlreadyExists)
                return false;
            throw new IOException($"Could not create the directory '{path}': {new Win32Exception(error).Message}");
        }

        /// <summary>Moves a file to <paramref name="destination"/>, replacing it only if asked; its DACL moves with it.</summary>
        public static void Move(string source, string destination, bool replace)
        {
            if (MoveFileExW(source, destination, MoveWriteThrough | (replace ? MoveReplaceExisting : 0)))
                return;
            var error = Marshal.GetLastWin32Error();
            throw new IOException(error == FileExists || error == AlreadyExists
                ? $"The file '{destination}' already exists; refusing to overwrite it."
                : $"Could not move '{source}' to '{destination}': {new Win32Exception(error).Message}");
        }

        /// <summary>The current process's user SID as text (S-1-5-21-…), from its access token.</summary>
        private static string CurrentUserSid()
        {
            if (!OpenProcessToken(GetCurrentProcess(), TokenQuery, out var token))
                throw new Win32Exception(Marshal.GetLastWin32Error(), "Could not open this process's access token.");
            var buffer = IntPtr.Zero;
            try
            {
                GetTokenInformation(token, TokenUserClass, IntPtr.Zero, 0, out var needed);
                buffer = Marshal.AllocHGlobal(needed);
                if (!GetTokenInformation(token, TokenUserClass, buffer, needed, out _))
                    throw new Win32Exception(Marshal.GetLastWin32Error(), "Could not read this process's user.");
                var sid = Marshal.ReadIntPtr(buffer); // TOKEN_USER begins with SID_AND_ATTRIBUTES, which begins with the PSID
                if (!ConvertSidToStringSidW(sid, out var text))
                    throw new Win32Exception(Marshal.GetLastWin32Error(), "Could not format this process's user SID.");
                try
                {
                    return Marshal.PtrToStringUni(text)!;
                }
                finally
                {
                    LocalFree(text);
                }
            }
            finally
            {
                if (buffer != IntPtr.Zero)
                    Marshal.FreeHGlobal(buffer);
                CloseHandle(token);
            }
        }

        /// <summary>A SECURITY_ATTRIBUTES holding the owner-only descriptor, freed on dispose.</summary>
        private sealed class SecurityAttributes : IDisposable
        {
            public SecurityAttributesStruct Value;

            public SecurityAttributes(bool directory)
            {
                if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(SecurityDescriptor(CurrentUserSid(), directory), 1, out var descriptor, IntPtr.Zero))
                    throw new Win32Exception(Marshal.GetLastWin32Error(), "Could not build the owner-only security descriptor.");
                Value = new SecurityAttributesStruct { Length = Marshal.SizeOf<SecurityAttributesStruct>(), SecurityDescriptor = descriptor, InheritHandle = 0 };
            }

            public void Dispose()
            {
                if (Value.SecurityDescriptor != IntPtr.Zero)
                    LocalFree(Value.SecurityDescriptor);
                Value.SecurityDescriptor = IntPtr.Zero;
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct SecurityAttributesStruct
        {
            public int Length;
            public IntPtr SecurityDescriptor;
            public int InheritHandle;
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern SafeFileHandle CreateFileW(string fileName, uint access, uint share, ref SecurityAttributesStruct security, uint creation, uint flags, IntPtr template);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CreateDirectoryW(string path, ref SecurityAttributesStruct security);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool MoveFileExW(string existing, string newName, uint flags);

        [DllImport("kernel32.dll")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CloseHandle(IntPtr handle);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr memory);

        [DllImport("advapi32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

        [DllImport("advapi32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool GetTokenInformation(IntPtr token, int informationClass, IntPtr information, int length, out int returnLength);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool ConvertSidToStringSidW(IntPtr sid, out IntPtr text);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr descriptor, IntPtr size);
    }
}
