using System;
using System.Collections.Generic;
using DistributedState.Logging;
using Xunit;

namespace DistributedState.Tests.Logging
{
    public sealed class NodeLogTests
    {
        private sealed class ListSink : IDsnLogSink
        {
            public DsnLogLevel Minimum { get; set; } = DsnLogLevel.Debug;
            public List<DsnLogEntry> Entries { get; } = new List<DsnLogEntry>();
            public bool Throws { get; set; }
            public bool IsEnabled(DsnLogLevel level) => level >= Minimum;
            public void Write(DsnLogEntry entry)
            {
                if (Throws) throw new InvalidOperationException("sink broke");
                Entries.Add(entry);
            }
        }

        [Theory]
        [InlineData("Probe of {Peer} failed.", new object[] { "web01" }, "Probe of web01 failed.")]
        [InlineData("{A} then {B}", new object[] { 1, 2 }, "1 then 2")]
        [InlineData("no holes", new object[] { 1 }, "no holes")]
        [InlineData("{A} and {B}", new object[] { "x" }, "x and {B}")]
        [InlineData("unclosed {A", new object[] { "x" }, "unclosed {A")]
        public void Fills_holes_left_to_right(string template, object[] values, string expected) =>
            Assert.Equal(expected, NodeLog.Fill(template, values));

        [Fact]
        public void Writes_only_levels_the_sink_wants_stamped_with_the_node()
        {
            var sink = new ListSink { Minimum = DsnLogLevel.Information };
            var log = new NodeLog(sink, "web01");
            log.LogDebug("hidden {X}", 1);
            log.LogWarning(new TimeoutException("slow"), "Member {Peer} is late.", "db01");
            var entry = Assert.Single(sink.Entries);
            Assert.Equal(("web01", DsnLogLevel.Warning, "Member db01 is late."), (entry.NodeId, entry.Level, entry.Message));
            Assert.IsType<TimeoutException>(entry.Exception);
        }

        [Fact]
        public void A_throwing_sink_does_not_reach_the_caller()
        {
            var log = new NodeLog(new ListSink { Throws = true }, "web01");
            log.LogError(new Exception("x"), "The {Loop} loop failed.", "probe");
        }

        [Fact]
        public void Without_a_sink_nothing_is_enabled() => Assert.False(new NodeLog(null, "web01").IsEnabled(DsnLogLevel.Error));
    }
}
