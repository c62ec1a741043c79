using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Windows PowerShell 5.1 only: stands in for the binding redirects that powershell.exe.config cannot have. The
    /// module ships the .NET Standard polyfills its assemblies were built against (System.Memory,
    /// System.Threading.Channels and their closure) beside the cmdlet assembly; they reference each other at versions
    /// that differ from the files, which .NET Framework refuses without a redirect. This resolver answers such a
    /// request with the file of that name in the module folder, and nothing else, so other modules' resolution is left
    /// alone. On PowerShell 7 the runtime's own newer copies of those assemblies win and nothing is installed.
    /// </summary>
    internal sealed class DependencyResolver
    {
        private static readonly object Gate = new object();
        private static bool s_installed;

        private readonly Dictionary<string, string> _files;
        private readonly Dictionary<string, Assembly> _loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Indexes the DLLs of a folder.</summary>
        public DependencyResolver(string folder)
        {
            _files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (!Directory.Exists(folder)) return;
            foreach (var file in Directory.GetFiles(folder, "*.dll"))
                _files[Path.GetFileNameWithoutExtension(file)] = file;
        }

        /// <summary>The simple names this resolver answers for.</summary>
        public IReadOnlyCollection<string> Names => _files.Keys;

        /// <summary>Whether this process runs on .NET Framework (Windows PowerShell), where the resolver is needed.</summary>
        public static bool IsNeeded => typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext") is null;

        /// <summary>
        /// Installs the resolver for the module folder on .NET Framework; Import-Module calls this, possibly again after a
        /// Remove-Module. The hook stays for the life of the process: .NET cannot unload what it loaded, and objects a
        /// user still holds may need more of it.
        /// </summary>
        public static void Register()
        {
            if (!IsNeeded) return;
            lock (Gate)
            {
                if (s_installed) return;
                var folder = Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".";
                var resolver = new DependencyResolver(folder);
                AppDomain.CurrentDomain.AssemblyResolve += (_, args) => resolver.Resolve(new AssemblyName(args.Name));
                s_installed = true;
            }
        }

        /// <summary>The module's file of that simple name, whatever version was asked for; null when it is not ours.</summary>
        public string? FileFor(AssemblyName name) =>
            name.Name is not null && _files.TryGetValue(name.Name, out var path) ? path : null;

        /// <summary>Loads <see cref="FileFor"/> (once per name); null when the name is not ours.</summary>
        public Assembly? Resolve(AssemblyName name)
        {
            var path = FileFor(name);
            if (path is null) return null;
            lock (_loaded)
            {
                if (!_loaded.TryGetValue(name.Name!, out var assembly))
                {
                    assembly = Assembly.LoadFrom(path);
                    _loaded[name.Name!] = assembly;
                }

                return assembly;
            }
        }
    }
}
