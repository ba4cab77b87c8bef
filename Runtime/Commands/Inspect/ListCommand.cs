using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`list [-q] [--format table|json]`, with runc's columns.</summary>
public sealed class ListCommand : ICommand
{
    public string Name => "list";
    public string Usage => "list [command options]";
    public string Summary => "show the containers under --root";
    public IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        OptionSpec.Value("format", "f"),
        OptionSpec.Flag("quiet", "q"),
    };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string format = args.Value("format") ?? "table";
        if (format != "table" && format != "json") throw new RuntimeException($"invalid format option: {format}");
        var store = new StateStore(global.Root);
        var rows = new List<(ContainerRecord Record, ContainerStatus Status)>();
        foreach (string id in store.ListIds())
        {
            ContainerRecord? r;
            try { r = store.TryLoad(id); }
            catch (RuntimeException) { continue; } // a container being created or deleted right now
            if (r is null) continue;
            rows.Add((r, ContainerStatusReader.Read(store, r)));
        }

        if (args.Has("quiet"))
        {
            var sb = new StringBuilder();
            foreach (var row in rows) sb.Append(row.Record.Id).Append('\n');
            Output.WriteStdout(sb.ToString());
        }
        else if (format == "json")
        {
            Output.WriteStdout(RenderJson(rows));
        }
        else
        {
            Output.WriteStdout(RenderTable(rows));
        }
        return 0;
    }

    private static string RenderTable(List<(ContainerRecord Record, ContainerStatus Status)> rows)
    {
        var table = new List<string[]> { new[] { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" } };
        foreach (var (r, s) in rows)
        {
            int pid = s == ContainerStatus.Stopped ? 0 : r.Pid;
            table.Add(new[] { r.Id, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), ContainerStatusReader.Name(s), r.Bundle, r.Created, r.Owner });
        }
        var widths = new int[6];
        foreach (var row in table)
            for (int i = 0; i < 6; i++) widths[i] = System.Math.Max(widths[i], row[i].Length);
        var sb = new StringBuilder();
        foreach (var row in table)
        {
            for (int i = 0; i < 6; i++)
            {
                sb.Append(row[i]);
                if (i < 5) sb.Append(' ', widths[i] - row[i].Length + 3);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string RenderJson(List<(ContainerRecord Record, ContainerStatus Status)> rows)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Json.AsciiJsonEncoder.Compact))
        {
            w.WriteStartArray();
            foreach (var (r, s) in rows)
            {
                w.WriteStartObject();
                w.WriteString("ociVersion", r.OciVersion);
                w.WriteString("id", r.Id);
                w.WriteNumber("pid", s == ContainerStatus.Stopped ? 0 : r.Pid);
                w.WriteString("status", ContainerStatusReader.Name(s));
                w.WriteString("bundle", r.Bundle);
                w.WriteString("rootfs", r.Rootfs);
                w.WriteString("created", r.Created);
                w.WriteString("owner", r.Owner);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
