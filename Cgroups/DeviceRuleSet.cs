using System;
using System.Collections.Generic;
using System.Linq;

namespace OciRuntime.Cgroups;

/// <summary>
/// runc's devices emulator (libcontainer/cgroups/devices/emulator.go): replays the rules with
/// cgroup v1's devices.allow/devices.deny semantics and yields the minimal equivalent list — a
/// default (allow or deny all) plus exceptions that all have the opposite verdict, so their order
/// no longer matters. This is what makes the v2 eBPF program behave exactly like v1 (and runc):
/// <list type="bullet">
/// <item>a rule of type 'a' resets everything: allow → default allow, deny → default deny;</item>
/// <item>in default-deny, an allow adds (or widens) an exception and a deny narrows or removes one;
///   in default-allow, the reverse;</item>
/// <item>narrowing an exception that a wildcard exception covers with overlapping access is an
///   error, because v1 would silently ignore it ("cannot punch a hole in a wildcard rule").</item>
/// </list>
/// A fresh set is default deny.
/// </summary>
public sealed class DeviceRuleSet
{
    private readonly Dictionary<(char Type, long Major, long Minor), DeviceAccess> _exceptions = new();

    public bool DefaultAllow { get; private set; }

    public static DeviceRuleSet From(IEnumerable<DeviceRule> rules)
    {
        var s = new DeviceRuleSet();
        foreach (DeviceRule r in rules) s.Apply(r);
        return s;
    }

    public void Apply(DeviceRule r)
    {
        if (r.Type == 'a')
        {
            DefaultAllow = r.Allow;
            _exceptions.Clear();
            return;
        }
        // An exception has the verdict opposite to the default: adding it when the rule goes
        // against the default, removing (part of) it when the rule agrees with the default.
        if (r.Allow != DefaultAllow) Add(r);
        else Remove(r);
    }

    private void Add(DeviceRule r)
    {
        var key = (r.Type, r.Major, r.Minor);
        _exceptions[key] = (_exceptions.TryGetValue(key, out DeviceAccess a) ? a : DeviceAccess.None) | r.Access;
    }

    private void Remove(DeviceRule r)
    {
        var key = (r.Type, r.Major, r.Minor);
        foreach (var partial in new[] { (r.Type, DeviceRule.Wildcard, r.Minor), (r.Type, r.Major, DeviceRule.Wildcard), (r.Type, DeviceRule.Wildcard, DeviceRule.Wildcard) })
        {
            if (partial == key) continue;
            if (_exceptions.TryGetValue(partial, out DeviceAccess pa) && (pa & r.Access) != 0)
                throw new CgroupException(
                    $"linux.resources.devices: rule \"{r}\" is not supported: it cannot punch a hole in the wider rule " +
                    $"\"{new DeviceRule(partial.Item1, partial.Item2, partial.Item3, pa, !DefaultAllow)}\" (cgroup v1 semantics, which runc keeps); reorder or split the rules");
        }
        if (!_exceptions.TryGetValue(key, out DeviceAccess cur)) return;
        DeviceAccess left = cur & ~r.Access;
        if (left == DeviceAccess.None) _exceptions.Remove(key);
        else _exceptions[key] = left;
    }

    /// <summary>The exceptions, sorted (type, major, minor), each with verdict !DefaultAllow.</summary>
    public List<DeviceRule> Exceptions() =>
        _exceptions.OrderBy(kv => kv.Key.Type).ThenBy(kv => kv.Key.Major).ThenBy(kv => kv.Key.Minor)
            .Select(kv => new DeviceRule(kv.Key.Type, kv.Key.Major, kv.Key.Minor, kv.Value, !DefaultAllow)).ToList();

    /// <summary>The verdict for one access, straight from the model (the reference the eBPF program must match).</summary>
    public bool Allows(char type, uint major, uint minor, DeviceAccess access)
    {
        foreach (DeviceRule e in Exceptions())
        {
            if (e.Type != type) continue;
            if ((access & e.Access) != access) continue;
            if (e.Major != DeviceRule.Wildcard && e.Major != major) continue;
            if (e.Minor != DeviceRule.Wildcard && e.Minor != minor) continue;
            return e.Allow;
        }
        return DefaultAllow;
    }
}
