using System;
using DistributedState.Events;
using Xunit;

namespace DistributedState.Tests.Events
{
    public sealed class PoolQueuingHandlersTests
    {
        private sealed class FromPowerShell : System.Management.Automation.PSEventHandler
        {
            public void Handle(object? sender, EventArgs e) { }
        }

        [Fact]
        public void Recognises_PowerShells_handlers_by_their_base_class_and_nothing_else()
        {
            EventHandler<EventArgs> plain = (_, _) => { };
            EventHandler<EventArgs> powerShell = new FromPowerShell().Handle;
            Assert.False(PoolQueuingHandlers.AnyIn(plain.GetInvocationList()));
            Assert.True(PoolQueuingHandlers.AnyIn(powerShell.GetInvocationList()));
            Assert.True(PoolQueuingHandlers.AnyIn(Delegate.Combine(plain, powerShell)!.GetInvocationList()));
            EventHandler<EventArgs> unbound = StaticHandler;
            Assert.False(PoolQueuingHandlers.AnyIn(unbound.GetInvocationList()));
        }

        private static void StaticHandler(object? sender, EventArgs e) { }
    }
}
