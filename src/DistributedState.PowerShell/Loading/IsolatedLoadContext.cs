using System;
using System.Reflection;

namespace DistributedState.PowerShell
{
    /// <summary>
    /// The module's own AssemblyLoadContext on PowerShell 7. This assembly targets netstandard2.0, which has no
    /// AssemblyLoadContext type, so the context is created and used through reflection; on Windows PowerShell 5.1
    /// (.NET Framework) the type does not exist and <see cref="TryCreate"/> returns null.
    /// </summary>
    internal sealed class IsolatedLoadContext
    {
        private readonly object _context;
        private readonly MethodInfo _loadFromAssemblyPath;

        private IsolatedLoadContext(object context, MethodInfo loadFromAssemblyPath)
        {
            _context = context;
            _loadFromAssemblyPath = loadFromAssemblyPath;
        }

        /// <summary>Creates a non-collectible context, or returns null on .NET Framework.</summary>
        public static IsolatedLoadContext? TryCreate(string name)
        {
            var type = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
            var constructor = type?.GetConstructor(new[] { typeof(string), typeof(bool) });
            var load = type?.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
            if (constructor is null || load is null) return null;
            return new IsolatedLoadContext(constructor.Invoke(new object[] { name, false }), load);
        }

        /// <summary>Loads an assembly file into this context.</summary>
        public Assembly LoadFromAssemblyPath(string path)
        {
            try
            {
                return (Assembly)_loadFromAssemblyPath.Invoke(_context, new object[] { path });
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
