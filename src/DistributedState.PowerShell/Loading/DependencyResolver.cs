using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// Resolves the assemblies in the module's Dependencies/ folder: the runtime, the engine and every third-party
    /// DLL. On PowerShell 7 they load into the module's own <see cref="IsolatedLoadContext"/>, so a different
    /// version of, say, Microsoft.Extensions.Logging that another module loaded first does not collide with ours; on
    /// Windows PowerShell 5.1 they load with Assembly.LoadFrom (strong-named versions load side by side there, and
    /// matching by name stands in for the binding redirects PowerShell does not have). Only names found in the folder
    /// are answered, and only for this module's assemblies, so other modules' resolution is left alone.
    /// </summary>
    internal sealed class DependencyResolver
    {
        private static readonly object Gate = new object();
        private static DependencyResolver? s_current;

        private readonly Dictionary<string, string> _files;
        private readonly Dictionary<string, Assembly> _loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        private readonly IsolatedLoadContext? _context;
        private readonly Assembly _owner;

        /// <summary>Indexes the folder.</summary>
        /// <param name="folder">The Dependencies/ folder.</param>
        /// <param name="owner">The assembly whose requests are answered (the cmdlet assembly), besides those loaded from the folder.</param>
        /// <param name="context">Where to load on PowerShell 7; null loads with Assembly.LoadFrom.</param>
        public DependencyResolver(string folder, Assembly owner, IsolatedLoadContext? context)
        {
            _owner = owner;
            _context = context;
            _files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.GetFiles(folder, "*.dll"))
                    _files[Path.GetFileNameWithoutExtension(file)] = file;
            }
        }

        /// <summary>The simple names this resolver answers for.</summary>
        public IReadOnlyCollection<string> Names => _files.Keys;

        /// <summary>
        /// Installs the resolver for the folder beside the cmdlet assembly; Import-Module calls this, possibly again after a
        /// Remove-Module. The hook stays for the life of the process: the assemblies it loaded stay loaded (.NET cannot unload
        /// them), objects a user still holds may need more of them, and a second load context would load second copies whose
        /// types do not match the first.
        /// </summary>
        public static void Register()
        {
            lock (Gate)
            {
                if (s_current is not null) return;
                var owner = typeof(DependencyResolver).Assembly;
                var folder = Path.Combine(Path.GetDirectoryName(owner.Location) ?? ".", "Dependencies");
                s_current = new DependencyResolver(folder, owner, IsolatedLoadContext.TryCreate("DistributedState"));
                AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
            }
        }

        /// <summary>The assembly for a request, or null when it is not ours to answer.</summary>
        public Assembly? Resolve(AssemblyName name, Assembly? requestingAssembly)
        {
            if (name.Name is null || !_files.TryGetValue(name.Name, out var path)) return null;
            lock (_loaded)
            {
                // .NET Framework may not say who asks; then the name alone decides, as the folder holds only our dependencies.
                if (requestingAssembly is not null && requestingAssembly != _owner && !_loaded.ContainsValue(requestingAssembly))
                    return null;
                if (!_loaded.TryGetValue(name.Name, out var assembly))
                {
                    // Loading a file twice into one context fails, so each name is loaded once and remembered.
                    assembly = _context is not null ? _context.LoadFromAssemblyPath(path) : Assembly.LoadFrom(path);
                    _loaded[name.Name] = assembly;
                }

                return assembly;
            }
        }

        private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args) =>
            s_current?.Resolve(new AssemblyName(args.Name), args.RequestingAssembly);
    }
}
