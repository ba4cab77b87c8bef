using System;

namespace OciRuntime.Cli;

/// <summary>A command line that cannot be understood: bad flag, missing argument.</summary>
public sealed class UsageException(string message) : Exception(message);
