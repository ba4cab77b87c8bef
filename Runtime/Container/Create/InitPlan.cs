using System.Collections.Generic;
using OciRuntime.Native.Plan;

namespace OciRuntime.Container;

/// <summary>Everything the parent needs to start the init: the plan and how to clone and feed it.</summary>
public sealed class InitPlan
{
    public required ProcessPlan Plan { get; init; }
    public required NamespacePlanner Namespaces { get; init; }
    /// <summary>fds the parent opened for the child (namespace files); closed in the parent after the spawn.</summary>
    public required List<int> ParentFdsForChild { get; init; }
    /// <summary>False for a config without a mount namespace: the init mounts in the caller's (HostMounts).</summary>
    public bool OwnMountNamespace { get; init; } = true;
    /// <summary>Bind sources the runtime opens for the init when it asks (user namespaces: BindSources), in order.</summary>
    public List<(string Source, string Where)> BindSources { get; init; } = new();
    /// <summary>The runtime's end of the socket the bind sources go over, or -1; closed once they are sent.</summary>
    public int BindSourceSocket { get; init; } = -1;
}
