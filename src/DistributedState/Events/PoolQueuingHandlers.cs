using System;
using System.Collections.Concurrent;

namespace DistributedState.Events
{
    /// <summary>
    /// Recognises the subscribers that hand each event to the thread pool and may block a worker there: PowerShell's
    /// Register-ObjectEvent subscribes an instance of a class derived from System.Management.Automation.PSEventHandler,
    /// whose work item, while the session is idle, blocks until the -Action has run. Only events for such subscribers
    /// are paced (<see cref="ThreadPoolYield"/>); every other handler gets its events at once. Recognised by type name,
    /// so the runtime needs no reference to PowerShell; the answer is cached per handler type.
    /// </summary>
    internal static class PoolQueuingHandlers
    {
        private const string PowerShellEventHandler = "System.Management.Automation.PSEventHandler";
        private static readonly ConcurrentDictionary<Type, bool> Known = new ConcurrentDictionary<Type, bool>();

        /// <summary>True when any of <paramref name="subscribers"/> is such a handler.</summary>
        public static bool AnyIn(Delegate[] subscribers)
        {
            foreach (var subscriber in subscribers)
            {
                if (subscriber.Target is { } target && Known.GetOrAdd(target.GetType(), DerivesFromPowerShellHandler))
                    return true;
            }

            return false;
        }

        private static bool DerivesFromPowerShellHandler(Type type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.FullName == PowerShellEventHandler)
                    return true;
            }

            return false;
        }
    }
}
