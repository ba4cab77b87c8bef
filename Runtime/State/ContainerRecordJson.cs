using System.Collections.Generic;
using System.Text.Json;
using OciRuntime.Spec.Json;

namespace OciRuntime.State;

/// <summary>
/// state.json read and written with Utf8JsonReader/Utf8JsonWriter. Every command after create
/// (start, state, exec, kill, delete) reads it: through the source-generated contract, the first
/// use built System.Text.Json metadata for the record and every spec type it can hold (hooks, a
/// whole ProcessSpec, a seccomp profile), 0.65-0.9 ms per command, while the file is a dozen
/// scalars. The rare nested parts still go through the generated SpecJsonContext contracts, and only
/// when present.
/// </summary>
internal static class ContainerRecordJson
{
    public static byte[] Serialize(ContainerRecord r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, OciRuntime.Json.AsciiJsonEncoder.Compact))
        {
            w.WriteStartObject();
            w.WriteString("ociVersion", r.OciVersion);
            w.WriteString("id", r.Id);
            w.WriteNumber("pid", r.Pid);
            w.WriteNumber("pidStartTime", r.PidStartTime);
            w.WriteString("bundle", r.Bundle);
            w.WriteString("rootfs", r.Rootfs);
            w.WriteString("created", r.Created);
            w.WriteString("owner", r.Owner);
            WriteMap(w, "annotations", r.Annotations);
            if (r.CgroupPath is not null) w.WriteString("cgroupPath", r.CgroupPath);
            if (r.SystemdUnit is not null) w.WriteString("systemdUnit", r.SystemdUnit);
            w.WriteBoolean("ownPidNamespace", r.OwnPidNamespace);
            WriteMap(w, "namespaces", r.Namespaces);
            if (r.Hooks is not null)
            {
                w.WritePropertyName("hooks");
                JsonSerializer.Serialize(w, r.Hooks, SpecJsonContext.Default.HooksSpec);
            }
            if (r.StartContainerProcess is not null)
            {
                w.WritePropertyName("startContainerProcess");
                JsonSerializer.Serialize(w, r.StartContainerProcess, SpecJsonContext.Default.ProcessSpec);
            }
            if (r.StartContainerSeccomp is not null)
            {
                w.WritePropertyName("startContainerSeccomp");
                JsonSerializer.Serialize(w, r.StartContainerSeccomp, SpecJsonContext.Default.LinuxSeccomp);
            }
            w.WriteBoolean("startContainerSetgroups", r.StartContainerSetgroups);
            w.WriteBoolean("poststopRan", r.PoststopRan);
            if (r.HostMount is { } m)
            {
                w.WriteStartObject("hostMount");
                w.WriteString("path", m.Path);
                w.WriteNumber("mountIdBefore", m.MountIdBefore);
                w.WriteNumber("mountId", m.MountId);
                w.WriteEndObject();
            }
            w.WriteBoolean("started", r.Started);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="JsonException">Not a state record (wrong syntax or types).</exception>
    public static ContainerRecord Deserialize(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        var r = new ContainerRecord();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("expected a property name");
            string name = reader.GetString()!;
            Read(ref reader);
            switch (name)
            {
                case "ociVersion": r.OciVersion = String(ref reader); break;
                case "id": r.Id = String(ref reader); break;
                case "pid": r.Pid = reader.GetInt32(); break;
                case "pidStartTime": r.PidStartTime = reader.GetUInt64(); break;
                case "bundle": r.Bundle = String(ref reader); break;
                case "rootfs": r.Rootfs = String(ref reader); break;
                case "created": r.Created = String(ref reader); break;
                case "owner": r.Owner = String(ref reader); break;
                case "annotations": r.Annotations = Map(ref reader); break;
                case "cgroupPath": r.CgroupPath = reader.TokenType == JsonTokenType.Null ? null : String(ref reader); break;
                case "systemdUnit": r.SystemdUnit = reader.TokenType == JsonTokenType.Null ? null : String(ref reader); break;
                case "hostMount": r.HostMount = HostMount(ref reader); break;
                case "ownPidNamespace": r.OwnPidNamespace = reader.GetBoolean(); break;
                case "namespaces": r.Namespaces = Map(ref reader); break;
                case "hooks": r.Hooks = JsonSerializer.Deserialize(ref reader, SpecJsonContext.Default.HooksSpec); break;
                case "startContainerProcess": r.StartContainerProcess = JsonSerializer.Deserialize(ref reader, SpecJsonContext.Default.ProcessSpec); break;
                case "startContainerSeccomp": r.StartContainerSeccomp = JsonSerializer.Deserialize(ref reader, SpecJsonContext.Default.LinuxSeccomp); break;
                case "startContainerSetgroups": r.StartContainerSetgroups = reader.GetBoolean(); break;
                case "poststopRan": r.PoststopRan = reader.GetBoolean(); break;
                case "started": r.Started = reader.GetBoolean(); break;
                default: reader.Skip(); break;
            }
        }
        return r;
    }

    private static void WriteMap(Utf8JsonWriter w, string name, Dictionary<string, string>? map)
    {
        if (map is null) return;
        w.WriteStartObject(name);
        foreach (var kv in map) w.WriteString(kv.Key, kv.Value);
        w.WriteEndObject();
    }

    private static Dictionary<string, string>? Map(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected an object");
        var map = new Dictionary<string, string>();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return map;
            string key = reader.GetString()!;
            Read(ref reader);
            map[key] = String(ref reader);
        }
    }

    private static HostMountRecord? HostMount(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected an object");
        var m = new HostMountRecord();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return m;
            string key = reader.GetString()!;
            Read(ref reader);
            switch (key)
            {
                case "path": m.Path = String(ref reader); break;
                case "mountIdBefore": m.MountIdBefore = reader.GetInt32(); break;
                case "mountId": m.MountId = reader.GetInt32(); break;
                default: reader.Skip(); break;
            }
        }
    }

    private static string String(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("expected a string");

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("unexpected end of data");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Read(ref reader);
        if (reader.TokenType != type) throw new JsonException("expected " + type);
    }
}
