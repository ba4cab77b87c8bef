using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>uid/gid mapping lists (user namespace and idmapped mounts): config-linux.md "User namespace mappings".</summary>
internal static class IdMappingRules
{
    public static void Check(List<LinuxIdMapping>? list, string path, ErrorSink sink)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string p = JsonPathText.Index(path, i);
            var m = list[i];
            if (m is null) { sink.Add(p, "mapping entries must be objects, got null"); continue; }
            // containerID, hostID and size are all REQUIRED.
            bool complete = true;
            if (m.ContainerIdJson is null) { sink.Add(JsonPathText.Prop(p, "containerID"), "required: missing"); complete = false; }
            if (m.HostIdJson is null) { sink.Add(JsonPathText.Prop(p, "hostID"), "required: missing"); complete = false; }
            if (m.SizeJson is null) { sink.Add(JsonPathText.Prop(p, "size"), "required: missing"); complete = false; }
            if (!complete) continue;
            // The kernel rejects empty ranges and ranges that wrap around the 32-bit id space.
            if (m.Size == 0)
                sink.Add(JsonPathText.Prop(p, "size"), "invalid size 0: a mapping must cover at least one id");
            else
            {
                if ((ulong)m.ContainerId + m.Size > 1UL << 32)
                    sink.Add(p, $"range containerID {m.ContainerId} + size {m.Size} exceeds the 32-bit id space");
                if ((ulong)m.HostId + m.Size > 1UL << 32)
                    sink.Add(p, $"range hostID {m.HostId} + size {m.Size} exceeds the 32-bit id space");
            }
        }
        // user_namespaces(7): the ranges of a map must not overlap, on either side.
        for (int i = 0; i < list.Count; i++)
            for (int j = i + 1; j < list.Count; j++)
            {
                var a = list[i]; var b = list[j];
                if (a is null || b is null || a.Size == 0 || b.Size == 0) continue;
                if (Overlap(a.ContainerId, a.Size, b.ContainerId, b.Size))
                    sink.Add(JsonPathText.Index(path, j), $"containerID range {a.ContainerId}+{a.Size} of entry {i} overlaps {b.ContainerId}+{b.Size}");
                else if (Overlap(a.HostId, a.Size, b.HostId, b.Size))
                    sink.Add(JsonPathText.Index(path, j), $"hostID range {a.HostId}+{a.Size} of entry {i} overlaps {b.HostId}+{b.Size}");
            }
    }

    private static bool Overlap(uint s1, uint n1, uint s2, uint n2) =>
        (ulong)s1 < (ulong)s2 + n2 && (ulong)s2 < (ulong)s1 + n1;
}
