using OciRuntime.Errors;

namespace OciRuntime.Hooks;

/// <summary>A hook that failed to start, exited non-zero, or ran past its timeout.</summary>
public sealed class HookException(string message) : RuntimeException(message);
