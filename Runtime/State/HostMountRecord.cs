using System.Text.Json.Serialization;

namespace OciRuntime.State;

/// <summary>
/// The mount a container without a mount namespace made in the caller's namespace: its rootfs bound
/// onto itself, under which every other mount of the container lies (Rootfs/HostMounts). Written
/// into the intent record before the init runs, so `delete --force` after a failed or killed
/// create still finds it.
/// </summary>
public sealed class HostMountRecord
{
    /// <summary>The rootfs, canonical (no symlinks), as /proc/self/mountinfo names the mount point.</summary>
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    /// <summary>mountinfo id of the mount on top of <see cref="Path"/> before create (0: none there): a different one on top is ours.</summary>
    [JsonPropertyName("mountIdBefore")] public int MountIdBefore { get; set; }
    /// <summary>mountinfo id of the container's bind, once create saw it (0: create did not get that far).</summary>
    [JsonPropertyName("mountId")] public int MountId { get; set; }
}
