using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace DistributedState.Benchmarks.Harness
{
    /// <summary>One figure: a field name carrying its unit (e.g. "p99_ms"), a value, and the design's target if one applies.</summary>
    internal sealed class Figure
    {
        public Figure(string field, double value, string? target = null, bool? met = null)
        {
            Field = field;
            Value = value;
            Target = target;
            Met = met;
        }

        public string Field { get; }
        public double Value { get; }
        public string? Target { get; }
        public bool? Met { get; }
    }

    /// <summary>The figures of one scenario at one cluster size (and one variant, e.g. "crash").</summary>
    internal sealed class ScenarioResult
    {
        public ScenarioResult(string scenario, int? nodes, string? variant = null)
        {
            Scenario = scenario;
            Nodes = nodes;
            Variant = variant;
        }

        public string Scenario { get; }
        public int? Nodes { get; }
        public string? Variant { get; }
        public string Status { get; set; } = "ok";
        public string? Error { get; set; }
        public List<Figure> Figures { get; } = new List<Figure>();
        public List<string> Notes { get; } = new List<string>();

        public ScenarioResult Add(string field, double value) { Figures.Add(new Figure(field, value)); return this; }

        /// <summary>A figure that must not exceed <paramref name="max"/>.</summary>
        public ScenarioResult AtMost(string field, double value, double max, string unit) { Figures.Add(new Figure(field, value, "≤ " + Fmt(max) + " " + unit, value <= max)); return this; }

        /// <summary>A figure that must reach <paramref name="min"/>.</summary>
        public ScenarioResult AtLeast(string field, double value, double min, string unit) { Figures.Add(new Figure(field, value, "≥ " + Fmt(min) + " " + unit, value >= min)); return this; }

        public static string Fmt(double v)
        {
            if (double.IsNaN(v)) return "n/a";
            if (Math.Abs(v) >= 1000) return v.ToString("N0", CultureInfo.InvariantCulture);
            if (Math.Abs(v) >= 100) return v.ToString("0.#", CultureInfo.InvariantCulture);
            if (Math.Abs(v) >= 1) return v.ToString("0.##", CultureInfo.InvariantCulture);
            return v.ToString("0.###", CultureInfo.InvariantCulture);
        }
    }

    internal static class Report
    {
        public static void PrintTable(IReadOnlyList<ScenarioResult> results, TextWriter output)
        {
            var rows = new List<string[]> { new[] { "scenario", "N", "variant", "figure", "value", "target", "met" } };
            foreach (var r in results)
            {
                var n = r.Nodes?.ToString(CultureInfo.InvariantCulture) ?? "-";
                var v = r.Variant ?? "";
                if (r.Status != "ok")
                    rows.Add(new[] { r.Scenario, n, v, "status", r.Status.ToUpperInvariant(), "", "", });
                foreach (var f in r.Figures)
                    rows.Add(new[] { r.Scenario, n, v, f.Field, ScenarioResult.Fmt(f.Value), f.Target ?? "", f.Met is null ? "" : f.Met.Value ? "yes" : "NO" });
            }

            var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
            var rule = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+";
            output.WriteLine(rule);
            for (var i = 0; i < rows.Count; i++)
            {
                output.WriteLine("| " + string.Join(" | ", rows[i].Select((cell, c) => c == 4 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))) + " |");
                if (i == 0)
                    output.WriteLine(rule);
            }

            output.WriteLine(rule);
            foreach (var r in results)
            {
                if (r.Error is not null)
                    output.WriteLine($"{r.Scenario}{(r.Nodes is null ? "" : " N=" + r.Nodes)}{(r.Variant is null ? "" : " " + r.Variant)}: {r.Status}: {r.Error}");
                foreach (var note in r.Notes)
                    output.WriteLine($"{r.Scenario}{(r.Nodes is null ? "" : " N=" + r.Nodes)}{(r.Variant is null ? "" : " " + r.Variant)}: {note}");
            }
        }

        public static void WriteJson(IReadOnlyList<ScenarioResult> results, string path, string command)
        {
            using var stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("command", command);
            json.WriteString("machine", Machine.Describe());
            json.WriteString("utc", DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            json.WriteString("loadavg_at_start", Machine.LoadAtStart);
            json.WriteString("loadavg_at_end", Machine.LoadAverage());
            json.WriteStartArray("results");
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteString("scenario", r.Scenario);
                if (r.Nodes is null) json.WriteNull("nodes"); else json.WriteNumber("nodes", r.Nodes.Value);
                if (r.Variant is not null) json.WriteString("variant", r.Variant);
                json.WriteString("status", r.Status);
                if (r.Error is not null) json.WriteString("error", r.Error);
                foreach (var f in r.Figures)
                {
                    if (double.IsNaN(f.Value) || double.IsInfinity(f.Value)) json.WriteNull(f.Field);
                    else json.WriteNumber(f.Field, Math.Round(f.Value, 4));
                    if (f.Target is not null)
                    {
                        json.WriteString(f.Field + "_target", f.Target);
                        json.WriteBoolean(f.Field + "_met", f.Met == true);
                    }
                }

                if (r.Notes.Count > 0)
                {
                    json.WriteStartArray("notes");
                    foreach (var n in r.Notes) json.WriteStringValue(n);
                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    internal static class Machine
    {
        /// <summary>The 1, 5 and 15-minute load averages: other work on the machine skews every figure.</summary>
        public static string LoadAverage()
        {
            try
            {
                return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "unknown";
            }
        }

        public static readonly string LoadAtStart = LoadAverage();

        public static string Describe()
        {
            var memory = "unknown memory";
            try
            {
                var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                if (line is not null)
                {
                    var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    memory = (kb / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";
                }
            }
            catch (IOException)
            {
            }

            var cpu = "";
            try
            {
                cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "";
            }
            catch (IOException)
            {
            }

            return $"{Environment.ProcessorCount} cores ({cpu}), {memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
        }
    }
}
