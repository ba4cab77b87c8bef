namespace OciRuntime.Seccomp; internal static class AssemblyMarker { }
