using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using OciRuntime.Cli;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`state ID`: the runtime.md state JSON (ociVersion, id, status, pid, bundle, annotations).</summary>
public sealed class StateCommand : ICommand
{
    public string Name => "state";
    public string Usage => "state <container-id>";
    public string Summary => "print a container's state as runtime-spec JSON";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        var store = new StateStore(global.Root);
        ContainerRecord r = store.Load(id);
        ContainerStatus status = ContainerStatusReader.Read(store, r);
        Output.WriteStdout(Render(r, status));
        return 0;
    }

    /// <summary>Indented like runc's output; pid is 0 once stopped, as runc reports it.</summary>
    public static string Render(ContainerRecord r, ContainerStatus status)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Json.AsciiJsonEncoder.Indented))
        {
            w.WriteStartObject();
            w.WriteString("ociVersion", r.OciVersion);
            w.WriteString("id", r.Id);
            w.WriteString("status", ContainerStatusReader.Name(status));
            w.WriteNumber("pid", status == ContainerStatus.Stopped ? 0 : r.Pid);
            w.WriteString("bundle", r.Bundle);
            w.WriteString("rootfs", r.Rootfs);
            w.WriteString("created", r.Created);
            w.WriteString("owner", r.Owner);
            if (r.Annotations is { Count: > 0 })
            {
                w.WriteStartObject("annotations");
                foreach (var kv in r.Annotations) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
