using System;

namespace OciRuntime.Errors;

/// <summary>
/// A failure reported to the caller as one line (stderr and --log) with exit status 1 (or
/// <see cref="ExitCode"/>). Messages follow runc's wording where clients match on it
/// (clients.md: "does not exist", "container not running", ...).
/// </summary>
public class RuntimeException : Exception
{
    public int ExitCode { get; }

    public RuntimeException(string message, int exitCode = 1) : base(message) => ExitCode = exitCode;

    public RuntimeException(string message, Exception inner, int exitCode = 1) : base(message, inner) => ExitCode = exitCode;

    public static RuntimeException NotExists(string id) => new($"container \"{id}\" does not exist");
}

/// <summary>A failed syscall, rendered as "what: syscall path: errno text".</summary>
public sealed class SyscallException : RuntimeException
{
    public int Errno { get; }

    public SyscallException(string what, int errno)
        : base($"{what}: {OciRuntime.Native.Interop.Sys.ErrnoText(errno)}") => Errno = errno;
}
