using System.Collections.Generic;
using System.IO;

namespace OciRuntime.Spec.Loading;

/// <summary>
/// realpath(3) for an existing directory, in managed code: the runtime mounts the rootfs by
/// this path, so every symlink in it is resolved once, here, like runc's EvalSymlinks.
/// </summary>
internal static class PathResolver
{
    private const int MaxLinks = 40; // Linux's MAXSYMLINKS.

    public static string Resolve(string absolute)
    {
        var parts = new Queue<string>(absolute.Split('/', System.StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
        int links = 0;
        while (parts.Count > 0)
        {
            string part = parts.Dequeue();
            if (part == ".") continue;
            if (part == "..") { if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1); continue; }
            string candidate = "/" + string.Join("/", resolved) + (resolved.Count > 0 ? "/" : "") + part;
            string? target = null;
            try { target = new FileInfo(candidate).LinkTarget; }
            catch (IOException) { }
            catch (System.UnauthorizedAccessException) { }
            if (target is null || ++links > MaxLinks) { resolved.Add(part); continue; }
            // Splice the link target in front of what is left; an absolute target restarts at "/".
            if (target.StartsWith('/')) resolved.Clear();
            var rest = new List<string>(target.Split('/', System.StringSplitOptions.RemoveEmptyEntries));
            rest.AddRange(parts);
            parts = new Queue<string>(rest);
        }
        return "/" + string.Join("/", resolved);
    }
}
