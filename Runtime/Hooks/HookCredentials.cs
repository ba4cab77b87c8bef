using OciRuntime.Seccomp;
using OciRuntime.Spec.Config;

namespace OciRuntime.Hooks;

/// <summary>The identity a hook takes before its execve: the container process's user, capabilities, no_new_privs and seccomp filter.</summary>
public sealed record HookCredentials(ProcessSpec Process, SeccompProgram? Filter, bool SetgroupsAllowed);
