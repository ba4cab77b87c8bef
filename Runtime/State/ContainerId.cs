using OciRuntime.Errors;

namespace OciRuntime.State;

/// <summary>runc's container id rule: [A-Za-z0-9_+.-]+, and not "." or "..", so it is one path component.</summary>
public static class ContainerId
{
    public const int MaxLength = 1024;

    public static bool IsValid(string id)
    {
        if (id.Length == 0 || id.Length > MaxLength || id == "." || id == "..") return false;
        foreach (char c in id)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '+' or '-' or '.';
            if (!ok) return false;
        }
        return true;
    }

    public static string Check(string id)
    {
        if (!IsValid(id)) throw new RuntimeException($"invalid container id format: \"{id}\"");
        return id;
    }
}
