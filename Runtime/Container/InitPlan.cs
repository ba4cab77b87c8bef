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
}
