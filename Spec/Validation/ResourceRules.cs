using System.Collections.Generic;
using System.Text.RegularExpressions;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config-linux.md "Control groups": <c>linux.resources</c> (also the update --resources document).</summary>
internal static partial class ResourceRules
{
    // config-linux.json hugepageLimits[].pageSize.
    [GeneratedRegex(@"^[1-9][0-9]*[KMG]B\z", RegexOptions.CultureInvariant)]
    private static partial Regex PageSize();

    public static void Check(LinuxResources r, string path, ErrorSink sink)
    {
        CheckDevices(r.Devices, JsonPathText.Prop(path, "devices"), sink);
        if (r.Memory is not null) CheckMemory(r.Memory, JsonPathText.Prop(path, "memory"), sink);
        if (r.Cpu is not null) CheckCpu(r.Cpu, JsonPathText.Prop(path, "cpu"), sink);

        if (r.Pids is { } pids)
        {
            // state-schema: limit is REQUIRED inside pids; -1 means "max", 0 is a real limit.
            string p = JsonPathText.Prop(path, "pids.limit");
            if (pids.Limit is null) sink.Add(p, "required: missing (use -1 for no limit)");
            else if (pids.Limit < -1) sink.Add(p, $"invalid pids limit {pids.Limit}: must be -1 (no limit) or a non-negative number");
        }

        if (r.BlockIo is not null) CheckBlockIo(r.BlockIo, JsonPathText.Prop(path, "blockIO"), sink);

        if (r.HugepageLimits is not null)
        {
            string hp = JsonPathText.Prop(path, "hugepageLimits");
            for (int i = 0; i < r.HugepageLimits.Count; i++)
            {
                string p = JsonPathText.Index(hp, i);
                var h = r.HugepageLimits[i];
                if (h is null) { sink.Add(p, "entries must be objects, got null"); continue; }
                if (h.PageSize is null || !PageSize().IsMatch(h.PageSize))
                    sink.Add(JsonPathText.Prop(p, "pageSize"), $"invalid page size {Text.Quote(h.PageSize)}: expected <size><K|M|G>B such as \"2MB\" or \"64KB\"");
                if (h.LimitJson is null) sink.Add(JsonPathText.Prop(p, "limit"), "required: missing");
            }
        }

        if (r.Network?.Priorities is { } prios)
        {
            string np = JsonPathText.Prop(path, "network.priorities");
            for (int i = 0; i < prios.Count; i++)
            {
                string p = JsonPathText.Index(np, i);
                var e = prios[i];
                if (e is null) { sink.Add(p, "entries must be objects, got null"); continue; }
                if (string.IsNullOrEmpty(e.Name)) sink.Add(JsonPathText.Prop(p, "name"), "required: the interface name is missing");
                if (e.PriorityJson is null) sink.Add(JsonPathText.Prop(p, "priority"), "required: missing");
            }
        }

        if (r.Rdma is not null)
        {
            foreach (var (dev, lim) in r.Rdma)
            {
                string p = JsonPathText.Key(JsonPathText.Prop(path, "rdma"), dev);
                if (dev.Length == 0) sink.Add(JsonPathText.Prop(path, "rdma"), "device names must not be empty");
                // "You MUST specify at least one of the hcaHandles or hcaObjects in a given entry."
                if (lim is null) sink.Add(p, "must be an object, got null");
                else if (lim.HcaHandles is null && lim.HcaObjects is null)
                    sink.Add(p, "at least one of hcaHandles or hcaObjects must be set");
            }
        }

        if (r.Unified is not null)
        {
            foreach (var (file, value) in r.Unified)
            {
                string p = JsonPathText.Key(JsonPathText.Prop(path, "unified"), file);
                // Keys name a file inside the container's cgroup directory: a slash or ".."
                // would reach outside it.
                if (file.Length == 0) sink.Add(JsonPathText.Prop(path, "unified"), "cgroup file names must not be empty");
                else if (file.Contains('/') || file == "." || file == ".." || Text.HasNul(file))
                    sink.Add(p, $"invalid cgroup file name {Text.Quote(file)}: must be a plain file name such as \"memory.max\"");
                if (value is null) sink.Add(p, "values must be strings, got null");
            }
        }
    }

    private static void CheckDevices(List<LinuxDeviceCgroup>? rules, string path, ErrorSink sink)
    {
        if (rules is null) return;
        for (int i = 0; i < rules.Count; i++)
        {
            string p = JsonPathText.Index(path, i);
            var d = rules[i];
            if (d is null) { sink.Add(p, "device rules must be objects, got null"); continue; }
            if (d.AllowJson is null) sink.Add(JsonPathText.Prop(p, "allow"), "required: missing (true to allow, false to deny)");
            if (d.Type is not null && !KnownValues.Contains(KnownValues.CgroupDeviceTypes, d.Type))
                sink.Add(JsonPathText.Prop(p, "type"), $"unknown device type {Text.Quote(d.Type)} ({KnownValues.OneOf(KnownValues.CgroupDeviceTypes)})");
            // runc 1.1.5 ignores characters other than r, w, m ("rwx" is rw), so only an access
            // with none of them is invalid here; an empty one is refused where the rules are applied.
            if (d.Access is { Length: > 0 } access && access.IndexOfAny(['r', 'w', 'm']) < 0)
                sink.Add(JsonPathText.Prop(p, "access"), $"invalid access {Text.Quote(access)}: must be a combination of r, w and m");
            // -1 is the wildcard some clients write for "all"; anything below has no meaning.
            if (d.Major is < -1) sink.Add(JsonPathText.Prop(p, "major"), $"invalid major number {d.Major}");
            if (d.Minor is < -1) sink.Add(JsonPathText.Prop(p, "minor"), $"invalid minor number {d.Minor}");
        }
    }

    private static void CheckMemory(LinuxMemory m, string path, ErrorSink sink)
    {
        // "Values for memory specify the limit in bytes, or -1 for unlimited memory."
        CheckMemValue(m.Limit, path, "limit", sink);
        CheckMemValue(m.Reservation, path, "reservation", sink);
        CheckMemValue(m.Swap, path, "swap", sink);
        CheckMemValue(m.Kernel, path, "kernel", sink);
        CheckMemValue(m.KernelTcp, path, "kernelTCP", sink);
        // swap is memory+swap: below the memory limit it cannot be honoured (runc refuses too).
        if (m.Limit is > 0 && m.Swap is > 0 && m.Swap < m.Limit)
            sink.Add(JsonPathText.Prop(path, "swap"), $"memory+swap limit {m.Swap} is smaller than the memory limit {m.Limit}");
        // "The values are from 0 to 100."
        if (m.Swappiness is > 100)
            sink.Add(JsonPathText.Prop(path, "swappiness"), $"invalid swappiness {m.Swappiness}: must be between 0 and 100");
    }

    private static void CheckMemValue(long? v, string path, string name, ErrorSink sink)
    {
        if (v is < -1) sink.Add(JsonPathText.Prop(path, name), $"invalid value {v}: must be -1 (unlimited) or a number of bytes");
    }

    private static void CheckCpu(LinuxCpu c, string path, ErrorSink sink)
    {
        // quota, if positive, "MUST be no smaller than burst".
        if (c.Quota is > 0 && c.Burst is { } burst && burst > (ulong)c.Quota.Value)
            sink.Add(JsonPathText.Prop(path, "burst"), $"burst {burst} is larger than quota {c.Quota}");
        if (c.Cpus is not null && Text.CpuListProblem(c.Cpus) is { } e1) sink.Add(JsonPathText.Prop(path, "cpus"), e1);
        if (c.Mems is not null && Text.CpuListProblem(c.Mems) is { } e2) sink.Add(JsonPathText.Prop(path, "mems"), e2);
        // "idle": 0 is the default behaviour, 1 is SCHED_IDLE; cpu.idle accepts nothing else.
        if (c.Idle is { } idle && idle != 0 && idle != 1)
            sink.Add(JsonPathText.Prop(path, "idle"), $"invalid idle value {idle}: must be 0 or 1");
    }

    private static void CheckBlockIo(LinuxBlockIo b, string path, ErrorSink sink)
    {
        if (b.WeightDevice is not null)
        {
            string wp = JsonPathText.Prop(path, "weightDevice");
            for (int i = 0; i < b.WeightDevice.Count; i++)
            {
                string p = JsonPathText.Index(wp, i);
                var w = b.WeightDevice[i];
                if (w is null) { sink.Add(p, "entries must be objects, got null"); continue; }
                if (w.MajorJson is null) sink.Add(JsonPathText.Prop(p, "major"), "required: missing");
                if (w.MinorJson is null) sink.Add(JsonPathText.Prop(p, "minor"), "required: missing");
                // "You MUST specify at least one of weight or leafWeight in a given entry."
                if (w.Weight is null && w.LeafWeight is null) sink.Add(p, "at least one of weight or leafWeight must be set");
            }
        }
        CheckThrottle(b.ThrottleReadBpsDevice, JsonPathText.Prop(path, "throttleReadBpsDevice"), sink);
        CheckThrottle(b.ThrottleWriteBpsDevice, JsonPathText.Prop(path, "throttleWriteBpsDevice"), sink);
        CheckThrottle(b.ThrottleReadIopsDevice, JsonPathText.Prop(path, "throttleReadIOPSDevice"), sink);
        CheckThrottle(b.ThrottleWriteIopsDevice, JsonPathText.Prop(path, "throttleWriteIOPSDevice"), sink);
    }

    private static void CheckThrottle(List<LinuxThrottleDevice>? list, string path, ErrorSink sink)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string p = JsonPathText.Index(path, i);
            var t = list[i];
            if (t is null) { sink.Add(p, "entries must be objects, got null"); continue; }
            if (t.MajorJson is null) sink.Add(JsonPathText.Prop(p, "major"), "required: missing");
            if (t.MinorJson is null) sink.Add(JsonPathText.Prop(p, "minor"), "required: missing");
            if (t.RateJson is null) sink.Add(JsonPathText.Prop(p, "rate"), "required: missing");
        }
    }
}
