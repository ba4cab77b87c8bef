using FsCheck;
using FsCheck.Fluent;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Rootfs;
using OciRuntime.Spec.Config;

namespace OciRuntime.Tests;

/// <summary>
/// Properties of every init plan, over configs derived at random from the client configs and the
/// spec's example (extra mounts, masked and read-only paths, terminal, no_new_privs, seccomp,
/// user and joined namespaces, --no-pivot). A failure names the seed; PlanSample(seed) rebuilds it.
/// </summary>
public class PlanProperties
{
    private static readonly string[] Bases = { "containerd-config.json", "podman-config.json", "spec-config-example.json" };
    private static readonly string[] Destinations = { "/data", "/data/sub", "/etc/hosts", "/run/secrets", "/a/../b", "/../escape", "/dev/shm", "/srv/file" };
    private static readonly string[] Masks = { "/proc/kcore", "/data", "/data/sub/x", "/sys/firmware", "/run/secrets/key", "/srv/file" };

    internal sealed record Sample(OciConfig Config, PlanFixture.Options Options, ProcessPlan Plan);

    internal static Sample PlanSample(int seed)
    {
        var r = new Random(seed);
        OciConfig c = PlanFixture.Load(Bases[r.Next(Bases.Length)]);
        c.Mounts ??= new List<MountSpec>();
        for (int n = r.Next(4); n > 0; n--)
        {
            string dest = Destinations[r.Next(Destinations.Length)];
            c.Mounts.Add(r.Next(2) == 0
                ? new MountSpec { Destination = dest, Type = "bind", Source = dest.EndsWith("file", StringComparison.Ordinal) || dest == "/etc/hosts" ? "/host/file" : "/host/dir", Options = new() { "rbind", r.Next(2) == 0 ? "ro" : "rw" } }
                : new MountSpec { Destination = dest, Type = "tmpfs", Source = "tmpfs", Options = new() { "nosuid" } });
        }
        c.Linux ??= new LinuxSpec();
        c.Linux.MaskedPaths = Masks.Where(_ => r.Next(3) == 0).ToList();
        c.Linux.ReadonlyPaths = Masks.Where(_ => r.Next(4) == 0).ToList();
        c.Process!.Terminal = r.Next(3) == 0;
        c.Process.NoNewPrivileges = r.Next(2) == 0;
        if (r.Next(3) == 0) c.Linux.Seccomp = null;
        else c.Linux.Seccomp ??= new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = new() { new LinuxSyscall { Names = new() { "kexec_load" }, Action = "SCMP_ACT_ERRNO" } } };
        c.Linux.Namespaces ??= new List<LinuxNamespace>();
        if (r.Next(3) == 0 && !c.Linux.Namespaces.Exists(n => n.Type == "user"))
        {
            c.Linux.Namespaces.Add(new LinuxNamespace { Type = "user" });
            c.Linux.UidMappings = new() { new LinuxIdMapping { ContainerId = 0, HostId = 100000, Size = 65536 } };
            c.Linux.GidMappings = new() { new LinuxIdMapping { ContainerId = 0, HostId = 100000, Size = 65536 } };
        }
        if (r.Next(4) == 0)
            foreach (LinuxNamespace ns in c.Linux.Namespaces)
                if (ns.Type == "network") ns.Path = "/run/netns/test";
        var o = new PlanFixture.Options(NoPivot: r.Next(4) == 0, PreserveFds: r.Next(3));
        return new Sample(c, o, PlanFixture.Compose(c, o));
    }

    /// <summary>The same config's process started by `exec` into an init with namespaces of its own.</summary>
    internal static Sample ExecSample(int seed)
    {
        Sample init = PlanSample(seed);
        string[] joins = new Random(seed).Next(2) == 0 ? new[] { "ipc", "uts", "network", "pid", "mount" } : new[] { "user", "mount", "time" };
        return init with { Plan = PlanFixture.ComposeExec(init.Config, joins) };
    }

    /// <summary>Checks the init plan of the seed's config and, with <paramref name="alsoExec"/>, its exec plan too.</summary>
    private static Property For(int seed, Func<Sample, string?> check, bool alsoExec = false)
    {
        string? problem = check(PlanSample(seed));
        if (problem is null && alsoExec && check(ExecSample(seed)) is { } p) problem = "exec plan: " + p;
        return (problem is null).Label($"seed {seed}: {problem}");
    }

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property EveryPlan_PassesTheVerifier(int seed) => For(seed, s =>
    {
        try { PlanVerifier.Verify(s.Plan, s.Plan.Build(PlanFixture.SyncFd, 999)); return null; }
        catch (PlanBugException e) { return e.Message; }
    }, alsoExec: true);

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property NoStep_RunsAfterExec(int seed) => For(seed, s =>
    {
        var steps = s.Plan.Steps;
        int execs = steps.Count(x => x.Op == PlanOp.Exec);
        return execs == 1 && steps[^1].Op == PlanOp.Exec ? null : $"{execs} exec steps, the last step is {PlanDump.Line(s.Plan, steps.Count - 1)}";
    }, alsoExec: true);

    /// <summary>
    /// Between opening the rootfs and entering it, everything mounted on lands on an fd resolved
    /// inside the root (openat2 IN_ROOT/BENEATH from the root fd, or a plain name beneath such an fd).
    /// Before: only "/", the rootfs and its parent; after: only "/" and ".".
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property EveryMountTarget_LiesInsideTheRoot(int seed) => For(seed, s =>
    {
        var steps = s.Plan.Steps;
        string rootfs = s.Config.Root!.Path.StartsWith('/') ? s.Config.Root.Path : PlanFixture.Bundle + "/" + s.Config.Root.Path;
        var inRoot = new HashSet<long>();
        var trees = new HashSet<long>();
        int rootOpen = -1, entered = -1;
        for (int i = 0; i < steps.Count; i++)
        {
            PlanStep x = steps[i];
            PlanArg[] a = x.Args;
            bool SlotIn(int k, HashSet<long> set) => k < a.Length && a[k].Kind == PlanArgKind.Slot && set.Contains(a[k].Value);
            string? Str(int k) => k < a.Length && a[k].Kind == PlanArgKind.Data ? System.Text.Encoding.UTF8.GetString(a[k].Bytes!).TrimEnd('\0') : null;
            if (x.Op != PlanOp.Syscall) continue;
            if (rootOpen < 0 && x.Nr == Nr.openat && Str(1) == rootfs && x.ResultSlot >= 0) { rootOpen = i; inRoot.Add(x.ResultSlot); continue; }
            if (rootOpen < 0)
            {
                if (x.Nr == Nr.mount && Str(1) is { } t && t != "/" && t != rootfs && !rootfs.StartsWith(t + "/", StringComparison.Ordinal))
                    return $"before the rootfs is opened, step {PlanDump.Line(s.Plan, i)} mounts on a host path";
                continue;
            }
            if (entered < 0 && x.Nr == Nr.fchdir && SlotIn(0, inRoot)) { entered = i; continue; }
            if (entered >= 0)
            {
                if (x.Nr == Nr.mount && Str(1) is { } t && t is not ("/" or ".")) return $"after entering the root, step {PlanDump.Line(s.Plan, i)} mounts on a path";
                continue;
            }
            if (x.Nr == Nr.openat2 && SlotIn(0, inRoot) && x.ResultSlot >= 0)
            {
                ulong resolve = BitConverter.ToUInt64(a[2].Bytes!, 16);
                if ((resolve & (Resolve.IN_ROOT | Resolve.BENEATH)) != 0) inRoot.Add(x.ResultSlot); else inRoot.Remove(x.ResultSlot);
            }
            else if (x.Nr == Nr.openat && SlotIn(0, inRoot) && x.ResultSlot >= 0 && Str(1) is { } name && !name.Split('/').Contains("..") && !name.StartsWith('/'))
                inRoot.Add(x.ResultSlot);
            else if (x.Nr is Nr.open_tree or Nr.fsmount && x.ResultSlot >= 0) { trees.Add(x.ResultSlot); inRoot.Remove(x.ResultSlot); }
            else if (x.ResultSlot >= 0) { inRoot.Remove(x.ResultSlot); trees.Remove(x.ResultSlot); }

            bool ok = x.Nr switch
            {
                Nr.mount => a[1].Kind == PlanArgKind.FdPath && inRoot.Contains(a[1].Value),
                Nr.move_mount => SlotIn(2, inRoot) && Str(3) == "",
                Nr.mount_setattr => SlotIn(0, inRoot) || SlotIn(0, trees),
                Nr.umount2 or Nr.pivot_root => false,
                _ => true,
            };
            if (!ok) return $"step {PlanDump.Line(s.Plan, i)} mounts on something not resolved inside the root";
        }
        return rootOpen < 0 || entered < 0 ? "the plan never opens or enters the rootfs" : null;
    });

    /// <summary>A masked path is masked after every configured mount at or above it, which would otherwise cover the mask.</summary>
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property MaskedPaths_ComeAfterTheMountsThatCouldCoverThem(int seed) => For(seed, s =>
    {
        var steps = s.Plan.Steps;
        var masked = s.Config.Linux?.MaskedPaths ?? new List<string>();
        var mounts = s.Config.Mounts ?? new List<MountSpec>();
        for (int m = 0; m < masked.Count; m++)
        {
            string p = MountPlanner.Normalize(masked[m]);
            int maskAt = Index(steps, $"linux.maskedPaths[{m}] ", first: true);
            if (maskAt < 0) return $"maskedPaths[{m}] has no step";
            for (int j = 0; j < mounts.Count; j++)
            {
                string d = MountPlanner.Normalize(mounts[j].Destination);
                if (!(d == "/" || p == d || p.StartsWith(d + "/", StringComparison.Ordinal))) continue;
                int last = Index(steps, $"mounts[{j}]", first: false);
                if (last > maskAt) return $"mounts[{j}] {d} is mounted at step {last}, after maskedPaths[{m}] {p} at step {maskAt}";
            }
        }
        return null;
    });

    private static int Index(IReadOnlyList<PlanStep> steps, string text, bool first)
    {
        int found = -1;
        for (int i = 0; i < steps.Count; i++)
            if (steps[i].Description.Contains(text, StringComparison.Ordinal)) { found = i; if (first) break; }
        return found;
    }

    /// <summary>
    /// No fd leaks into the container: on every path, an fd a step opens into a slot is closed
    /// before that slot is written again and before exec (except exec.fifo, which errors are
    /// reported to until execve closes it), and every runtime fd handed to the plan is closed
    /// (close, or a close_range covering it) after its last use.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property EveryFd_IsClosedOrHandedOver(int seed) => For(seed, s =>
    {
        var steps = s.Plan.Steps;
        int n = steps.Count;
        var readLater = new HashSet<long>();
        int reportSlot = -1;
        foreach (PlanStep x in steps)
        {
            foreach (PlanArg a in x.Args) if (a.Kind is PlanArgKind.Slot or PlanArgKind.FdPath) readLater.Add(a.Value);
            if (x.Op == PlanOp.ReportTo) reportSlot = (int)x.Args[0].Value;
        }
        bool Opens(PlanStep x) => x.ResultSlot >= 0 && (x.Op == PlanOp.Seccomp ? readLater.Contains(x.ResultSlot) : x.Op == PlanOp.RecvFd ||
            x.Op == PlanOp.Syscall && x.Nr is Nr.openat or Nr.openat2 or Nr.open_tree or Nr.fsopen or Nr.fsmount or Nr.ioctl);

        var open = new HashSet<int>?[n + 1];
        open[0] = new HashSet<int>();
        for (int i = 0; i < n; i++)
        {
            if (open[i] is not { } now) continue;
            PlanStep x = steps[i];
            var after = new HashSet<int>(now);
            if (x.Op == PlanOp.Syscall && x.Nr == Nr.close && x.Args[0].Kind == PlanArgKind.Slot) after.Remove((int)x.Args[0].Value);
            if (Opens(x))
            {
                if (now.Contains(x.ResultSlot)) return $"step {PlanDump.Line(s.Plan, i)} overwrites slot s{x.ResultSlot} while it may hold an open fd";
                after.Add(x.ResultSlot);
            }
            if (x.Op == PlanOp.Exec)
            {
                now.Remove(reportSlot);
                if (now.Count > 0)
                    return "at exec, open fds may remain in: " + string.Join("; ", now.Select(v => PlanDump.Line(s.Plan, LastWriter(steps, v, i))));
                continue;
            }
            Join(open, x.SuccessJump is { } ok ? s.Plan.TargetOf(ok) : i + 1, after);
            if (x.TolerateErrno != 0 || x.TolerateErrno2 != 0) Join(open, x.ToleratedJump is { } t ? s.Plan.TargetOf(t) : i + 1, now);
        }

        foreach (int fd in s.Plan.HandedOver)
        {
            int lastUse = -1;
            for (int i = 0; i < n; i++)
                if (steps[i].Args.Any(a => a.Kind == PlanArgKind.Immediate && a.Value == fd)) lastUse = i;
            bool closed = false;
            for (int i = Math.Max(lastUse, 0); i < n && !closed; i++)
            {
                PlanStep x = steps[i];
                if (x.Op != PlanOp.Syscall) continue;
                if (x.Nr == Nr.close && x.Args[0].Kind == PlanArgKind.Immediate && x.Args[0].Value == fd) closed = true;
                if (x.Nr == Nr.close_range && x.Args[0].Value <= fd && fd <= (long)(uint)x.Args[1].Value) closed = true;
            }
            if (!closed) return $"handed-over fd {fd} is not closed after its last use at step {lastUse}";
        }
        return null;
    }, alsoExec: true);

    private static int LastWriter(IReadOnlyList<PlanStep> steps, int slot, int before)
    {
        for (int i = before - 1; i >= 0; i--) if (steps[i].ResultSlot == slot) return i;
        return 0;
    }

    private static void Join(HashSet<int>?[] open, int at, HashSet<int> set)
    {
        if (open[at] is { } existing) existing.UnionWith(set);
        else open[at] = new HashSet<int>(set);
    }

    /// <summary>
    /// runc loads a no_new_privs filter as late as it can: after it come only the exec.fifo
    /// handshake (messages to the runtime, the fifo's open and close, the sync socket's close)
    /// and execve, so a profile need not allow anything else.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property AfterSeccomp_OnlyTheExecHandshake(int seed) => For(seed, s =>
    {
        if (s.Config.Process?.NoNewPrivileges != true) return null;
        var steps = s.Plan.Steps;
        int at = -1;
        for (int i = 0; i < steps.Count; i++) if (steps[i].Op == PlanOp.Seccomp) at = i;
        if (at < 0) return s.Config.Linux?.Seccomp is null ? null : "no seccomp step";
        string fifoPath = $"/proc/self/fd/{PlanFixture.FifoFd}";
        for (int i = at + 1; i < steps.Count; i++)
        {
            PlanStep x = steps[i];
            bool ok = x.Op switch
            {
                PlanOp.SyncSend or PlanOp.SyncWait or PlanOp.SyncSendFd or PlanOp.ReportTo or PlanOp.Exec => true,
                PlanOp.Syscall when x.Nr == Nr.close => true,
                PlanOp.Syscall when x.Nr == Nr.openat => x.Args[1].Kind == PlanArgKind.Data && System.Text.Encoding.UTF8.GetString(x.Args[1].Bytes!).TrimEnd('\0') == fifoPath,
                _ => false,
            };
            if (!ok) return $"after seccomp (step {at}): {PlanDump.Line(s.Plan, i)}";
        }
        return null;
    }, alsoExec: true);
}
