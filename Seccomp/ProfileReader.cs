using System.Collections.Generic;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Seccomp;

/// <summary>
/// Validates linux.seccomp and turns it into a <see cref="Profile"/>. Collects every problem
/// (not only the first) so a user fixes config.json in one go; each names its JSON path.
/// </summary>
internal static class ProfileReader
{
    private const string Root = "linux.seccomp";

    public static Profile Read(LinuxSeccomp spec, SeccompArch native)
    {
        var errors = new List<SpecError>();

        uint defaultAction = ReadAction(spec.DefaultAction, spec.DefaultErrnoRet,
            $"{Root}.defaultAction", $"{Root}.defaultErrnoRet", errors) ?? 0;
        if (spec.DefaultAction == "SCMP_ACT_NOTIFY")
            errors.Add(new SpecError($"{Root}.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action (every syscall, including the agent's replies, would wait on the listener)"));

        var abis = new List<SeccompArch> { native };
        if (spec.Architectures is { } arches)
        {
            for (int i = 0; i < arches.Count; i++)
            {
                string name = arches[i] ?? "";
                SeccompArch? arch = SeccompArch.FromName(name);
                if (arch is not null) { if (!abis.Contains(arch)) abis.Add(arch); }
                else if (!SeccompArch.IsKnownName(name))
                    errors.Add(new SpecError($"{Root}.architectures[{i}]",
                        $"unknown architecture \"{name}\" (expected one of {string.Join(", ", SeccompArch.KnownNames)})"));
                // A known arch without tables is left out: see SeccompArch.KnownNames.
            }
        }

        uint flags = 0;
        if (spec.Flags is { } flagNames)
        {
            for (int i = 0; i < flagNames.Count; i++)
            {
                uint? f = SeccompFlags.Parse(flagNames[i] ?? "");
                if (f is null)
                    errors.Add(new SpecError($"{Root}.flags[{i}]",
                        $"unknown flag \"{flagNames[i]}\" (expected one of {string.Join(", ", SeccompFlags.Names)})"));
                else flags |= f.Value;
            }
        }

        if (!string.IsNullOrEmpty(spec.ListenerMetadata) && string.IsNullOrEmpty(spec.ListenerPath))
            errors.Add(new SpecError($"{Root}.listenerMetadata", "must not be set without listenerPath"));

        var entries = new List<ProfileEntry>();
        bool needsListener = false;
        if (spec.Syscalls is { } syscalls)
        {
            for (int i = 0; i < syscalls.Count; i++)
            {
                string path = $"{Root}.syscalls[{i}]";
                LinuxSyscall? sc = syscalls[i];
                if (sc is null) { errors.Add(new SpecError(path, "must be an object, not null")); continue; }
                uint? action = ReadAction(sc.Action, sc.ErrnoRet, $"{path}.action", $"{path}.errnoRet", errors);

                if (sc.Names is null || sc.Names.Count == 0)
                    errors.Add(new SpecError($"{path}.names", "must contain at least one syscall name"));
                else
                    for (int j = 0; j < sc.Names.Count; j++)
                    {
                        if (string.IsNullOrEmpty(sc.Names[j]))
                            errors.Add(new SpecError($"{path}.names[{j}]", "empty syscall name"));
                        // runc refuses this: the runtime itself writes to the notify socket path,
                        // and a NOTIFY on write could deadlock the process that serves the listener.
                        else if (sc.Names[j] == "write" && sc.Action == "SCMP_ACT_NOTIFY")
                            errors.Add(new SpecError($"{path}.names[{j}]", "SCMP_ACT_NOTIFY cannot be used for the write syscall"));
                    }

                var conds = new List<ArgCondition>();
                if (sc.Args is { } args)
                {
                    for (int k = 0; k < args.Count; k++)
                    {
                        string ap = $"{path}.args[{k}]";
                        LinuxSeccompArg? a = args[k];
                        if (a is null) { errors.Add(new SpecError(ap, "must be an object, not null")); continue; }
                        bool ok = true;
                        if (a.Index > 5)
                        {
                            errors.Add(new SpecError($"{ap}.index", $"argument index {a.Index} out of range (a syscall has arguments 0 to 5)"));
                            ok = false;
                        }
                        SeccompOperator? op = SeccompOperators.Parse(a.Op ?? "");
                        if (op is null)
                        {
                            errors.Add(new SpecError($"{ap}.op",
                                $"unknown operator \"{a.Op}\" (expected one of {string.Join(", ", SeccompOperators.Names)})"));
                            ok = false;
                        }
                        if (ok) conds.Add(new ArgCondition((int)a.Index, op!.Value, a.Value, a.ValueTwo));
                    }
                }

                if (action is { } act && sc.Names is { Count: > 0 })
                {
                    if (sc.Action == "SCMP_ACT_NOTIFY") needsListener = true;
                    if (RepeatsAnIndex(conds))
                    {
                        // runc 1.1.5 (matchCall): once an argument index repeats, every condition of
                        // the entry, on every index, becomes a rule of its own, so they are ORed.
                        // Profiles written for runc list several values of one argument this way;
                        // ANDed, such an entry could never match.
                        foreach (ArgCondition c in conds)
                            entries.Add(new ProfileEntry(i, sc.Names, act, new[] { c }));
                    }
                    else entries.Add(new ProfileEntry(i, sc.Names, act, conds.ToArray()));
                }
            }
        }

        if (errors.Count > 0) throw new SpecException(errors);

        if (needsListener)
        {
            flags |= SeccompFlags.NewListener;
            // The kernel refuses TSYNC together with NEW_LISTENER (it could not say which thread
            // failed) unless TSYNC_ESRCH (Linux 5.7+) turns the failure into ESRCH.
            if ((flags & SeccompFlags.Tsync) != 0) flags |= SeccompFlags.TsyncEsrch;
        }

        // runc's ENOSYS stub is skipped for "permissive" defaults (ALLOW, LOG, TRACE: a tracer
        // handles unknown syscalls itself) and is pointless when the default is ERRNO(ENOSYS).
        uint defKind = defaultAction & Bpf.RetActionFullMask;
        bool enosys = defKind is not (Bpf.RetAllow or Bpf.RetLog or Bpf.RetTrace)
                      && defaultAction != (Bpf.RetErrno | SeccompAction.ENOSYS);

        return new Profile
        {
            DefaultAction = defaultAction,
            Abis = abis,
            Flags = flags,
            NeedsListener = needsListener,
            Entries = entries,
            EnosysRule = enosys,
        };
    }

    private static bool RepeatsAnIndex(List<ArgCondition> conds)
    {
        int seen = 0;
        foreach (ArgCondition c in conds)
        {
            int bit = 1 << c.Index;
            if ((seen & bit) != 0) return true;
            seen |= bit;
        }
        return false;
    }

    private static uint? ReadAction(string? name, uint? errnoRet, string actionPath, string errnoPath, List<SpecError> errors)
    {
        uint? ret = SeccompAction.ToRet(name ?? "", errnoRet);
        if (ret is null)
        {
            errors.Add(new SpecError(actionPath, string.IsNullOrEmpty(name)
                ? $"missing action (expected one of {string.Join(", ", SeccompAction.Names)})"
                : $"unknown action \"{name}\" (expected one of {string.Join(", ", SeccompAction.Names)})"));
            return null;
        }
        if (errnoRet is { } e)
        {
            // The spec: "When the action doesn't support an errno, the runtime MUST print an error and fail."
            if (!SeccompAction.TakesErrno(name!))
            {
                errors.Add(new SpecError(errnoPath, $"{name} does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"));
                return null;
            }
            // The errno travels in the 16 data bits of the SECCOMP_RET value.
            if (e > 0xffff)
            {
                errors.Add(new SpecError(errnoPath, $"errno {e} out of range (0 to 65535)"));
                return null;
            }
        }
        return ret;
    }
}
