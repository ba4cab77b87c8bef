using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// uid/gid mapping lists (user namespace and idmapped mounts): config-linux.md "User namespace
/// mappings". Mappings may use the kernel's whole 32-bit range; only what the kernel itself
/// refuses (or silently misreads) is an error here.
/// </summary>
internal static class IdMappingRules
{
    /// <summary>user_namespaces(7): a uid_map/gid_map holds at most 340 lines (Linux 4.15+).</summary>
    public const int MaxLines = 340;

    /// <summary>The id the kernel reserves as "no id" ((uid_t)-1): it can never be mapped.</summary>
    private const ulong InvalidId = uint.MaxValue;

    public static void Check(List<LinuxIdMapping>? list, string path, ErrorSink sink)
    {
        if (list is null) return;
        // Refused before anything else so a hostile config with a huge list costs one comparison,
        // not a pass per entry (or a quadratic overlap scan).
        if (list.Count > MaxLines)
        {
            sink.Add(path, $"{list.Count} mappings given: the kernel accepts at most {MaxLines} lines in a uid_map/gid_map (user_namespaces(7)); merge adjacent ranges");
            return;
        }
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
                CheckEnd(m.ContainerId, m.Size, "containerID", p, sink);
                CheckEnd(m.HostId, m.Size, "hostID", p, sink);
            }
        }
        CheckOverlaps(list, path, sink, m => m.ContainerId, "containerID");
        CheckOverlaps(list, path, sink, m => m.HostId, "hostID");
    }

    private static void CheckEnd(uint start, uint size, string field, string p, ErrorSink sink)
    {
        ulong end = (ulong)start + size;   // exclusive
        if (end > 1UL << 32)
            sink.Add(p, $"range {field} {start} + size {size} exceeds the 32-bit id space");
#if !OCI_WEAKEN_ID_RANGE
        // 4294967295 is (uid_t)-1: set*id(2) read it as "leave unchanged", so a map that claims it
        // would let a process "become" that id while keeping its old one.
        else if (end > InvalidId)
            sink.Add(p, $"range {field} {start} + size {size} includes {InvalidId}, which the kernel reserves as \"no id\"; the last mappable id is {InvalidId - 1}");
#endif
    }

    /// <summary>
    /// user_namespaces(7): the ranges of a map must not overlap, on either side. Sorted by start,
    /// a range can only overlap the one before it, so one pass after the sort finds every clash
    /// (the list is at most <see cref="MaxLines"/> long here, but the cost stays n log n anyway).
    /// </summary>
    private static void CheckOverlaps(List<LinuxIdMapping> list, string path, ErrorSink sink, System.Func<LinuxIdMapping, uint> start, string field)
    {
        var order = new List<int>(list.Count);
        for (int i = 0; i < list.Count; i++)
            if (list[i] is { Size: > 0 }) order.Add(i);
        order.Sort((a, b) => start(list[a]) != start(list[b]) ? start(list[a]).CompareTo(start(list[b])) : a.CompareTo(b));
        int widest = -1;   // the range seen so far that reaches furthest
        ulong reach = 0;
        foreach (int j in order)
        {
            var b = list[j];
            if (widest >= 0 && start(b) < reach)
            {
                int first = System.Math.Min(widest, j), second = System.Math.Max(widest, j);
                var f = list[first]; var s = list[second];
                sink.Add(JsonPathText.Index(path, second), $"{field} range {start(f)}+{f.Size} of entry {first} overlaps {start(s)}+{s.Size}");
            }
            ulong end = (ulong)start(b) + b.Size;
            if (end > reach) { reach = end; widest = j; }
        }
    }
}
