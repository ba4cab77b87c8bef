using System.IO;

namespace OciRuntime.Process;

/// <summary>Which Linux security modules (and Intel RDT) this host has; read once per command.</summary>
public static class SecurityModules
{
    public static bool AppArmorEnabled =>
        File.Exists("/sys/kernel/security/apparmor/profiles") ||
        (File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() == "Y");

    public static bool SelinuxEnabled => File.Exists("/sys/fs/selinux/enforce");

    public static bool ResctrlMounted()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/mountinfo"))
                if (line.Contains(" - resctrl ", System.StringComparison.Ordinal)) return true;
        }
        catch (IOException) { }
        return false;
    }
}
