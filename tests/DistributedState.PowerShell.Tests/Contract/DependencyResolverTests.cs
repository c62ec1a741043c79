using System.IO;
using System.Reflection;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>
    /// The Windows PowerShell resolver (it stands in for binding redirects) against the published module folder. It is
    /// exercised here on .NET 10; the real .NET Framework path is for the Windows CI job to prove.
    /// </summary>
    public sealed class DependencyResolverTests : IClassFixture<PublishedModule>
    {
        private readonly PublishedModule _module;

        public DependencyResolverTests(PublishedModule module) => _module = module;

        [Theory]
        [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1")]
        [InlineData("system.runtime.compilerservices.unsafe, Version=6.0.0.0")]
        public void Answers_a_request_for_a_shipped_polyfill_with_its_file_whatever_version_was_asked(string request) =>
            Assert.Equal(Path.Combine(_module.Folder, "System.Runtime.CompilerServices.Unsafe.dll"),
                new DependencyResolver(_module.Folder).FileFor(new AssemblyName(request)));

        [Fact]
        public void Loads_each_name_once()
        {
            var resolver = new DependencyResolver(_module.Folder);
            var memory = resolver.Resolve(new AssemblyName("System.Memory, Version=4.0.1.1"));
            Assert.NotNull(memory);
            Assert.Same(memory, resolver.Resolve(new AssemblyName("System.Memory, Version=4.0.1.2")));
        }

        [Fact]
        public void Leaves_names_the_module_does_not_ship_alone() =>
            Assert.Null(new DependencyResolver(_module.Folder).Resolve(new AssemblyName("Newtonsoft.Json")));

        [Fact]
        public void Is_not_installed_on_PowerShell_7() => Assert.False(DependencyResolver.IsNeeded);

        [Fact]
        public void A_missing_folder_answers_nothing() =>
            Assert.Empty(new DependencyResolver(Path.Combine(_module.Folder, "none")).Names);
    }
}
