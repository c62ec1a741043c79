using System;
using System.Collections.Generic;
using DistributedState.Internal;
using DistributedState.Logging;

namespace DistributedState.Events
{
    /// <summary>
    /// Logs an event handler's throw once per handler (method and declaring type), and counts every throw: a handler
    /// that fails on each of thousands of events must not flood the log. Used from the dispatcher thread only.
    /// </summary>
    internal sealed class HandlerFaultLog
    {
        private readonly HashSet<string> _reported = new HashSet<string>(StringComparer.Ordinal);
        private readonly NodeLog _logger;
        private readonly Counters _counters;

        public HandlerFaultLog(NodeLog logger, Counters counters)
        {
            _logger = logger;
            _counters = counters;
        }

        public void Report(Delegate handler, Exception error)
        {
            _counters.Add("events.handler.faults");
            var identity = Identify(handler);
            if (_reported.Add(identity))
                _logger.LogWarning(error, "The event handler {Handler} threw; the node and the other handlers carry on. Later throws of this handler are counted (events.handler.faults), not logged.", identity);
        }

        /// <summary>Declaring type and method; a compiled lambda (a PowerShell script block, say) has no declaring type.</summary>
        internal static string Identify(Delegate handler) =>
            (handler.Method.DeclaringType?.FullName ?? "(dynamic method)") + "." + handler.Method.Name;
    }
}
