namespace OciRuntime.Conformance;

/// <summary>A fact that is skipped, with the reason shown, when the kernel has no time namespaces.</summary>
public sealed class TimeNamespaceFactAttribute : FactAttribute
{
    public TimeNamespaceFactAttribute()
    {
        if (!File.Exists("/proc/self/ns/time"))
            Skip = "this kernel has no time namespace (/proc/self/ns/time missing)";
    }
}
