using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using DistributedState.PowerShell.Tests.Support;
using Xunit;

namespace DistributedState.PowerShell.Tests.Contract
{
    /// <summary>The module's resolver against the published Dependencies/ folder, on .NET 10 (PowerShell 7's side).</summary>
    public sealed class DependencyResolverTests : IClassFixture<PublishedModule>
    {
        private readonly PublishedModule _module;

        public DependencyResolverTests(PublishedModule module) => _module = module;

        private DependencyResolver Create(out Assembly owner)
        {
            owner = typeof(ModuleLifetime).Assembly;
            return new DependencyResolver(_module.Dependencies, owner, IsolatedLoadContext.TryCreate("test-" + Path.GetRandomFileName()));
        }

        [Fact]
        public void Answers_for_the_folders_assemblies_by_loading_them_into_the_modules_own_context()
        {
            var resolver = Create(out var owner);
            Assert.Contains("DistributedState", resolver.Names);
            var engine = resolver.Resolve(new AssemblyName("DistributedState.PowerShell.Engine, Version=0.1.0.0"), owner)!;
            Assert.NotNull(engine);
            Assert.Equal(Path.Combine(_module.Dependencies, "DistributedState.PowerShell.Engine.dll"), engine.Location);
            Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(engine));
        }

        [Fact]
        public void Loads_each_name_once_and_answers_the_loaded_assemblies_own_requests()
        {
            var resolver = Create(out var owner);
            var engine = resolver.Resolve(new AssemblyName("DistributedState.PowerShell.Engine"), owner)!;
            Assert.Same(engine, resolver.Resolve(new AssemblyName("DistributedState.PowerShell.Engine"), null));
            var logging = resolver.Resolve(new AssemblyName("Microsoft.Extensions.Logging.Console"), engine);
            Assert.NotNull(logging);
            Assert.Same(AssemblyLoadContext.GetLoadContext(engine), AssemblyLoadContext.GetLoadContext(logging!));
        }

        [Fact]
        public void Leaves_other_names_and_other_modules_requests_alone()
        {
            var resolver = Create(out var owner);
            Assert.Null(resolver.Resolve(new AssemblyName("Newtonsoft.Json"), owner));
            Assert.Null(resolver.Resolve(new AssemblyName("DistributedState"), typeof(Xunit.FactAttribute).Assembly));
        }

        [Fact]
        public void A_missing_folder_answers_nothing() =>
            Assert.Empty(new DependencyResolver(Path.Combine(_module.Folder, "none"), typeof(ModuleLifetime).Assembly, null).Names);
    }
}
