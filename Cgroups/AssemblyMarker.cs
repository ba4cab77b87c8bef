namespace OciRuntime.Cgroups; internal static class AssemblyMarker { }
