using System.Text.Json;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.State;

namespace OciRuntime.Hooks;

/// <summary>runtime.md "State": the JSON every hook reads on stdin.</summary>
public static class HookState
{
    public static byte[] Json(string ociVersion, string id, string status, int pid, string bundle, System.Collections.Generic.Dictionary<string, string>? annotations)
    {
        var state = new ContainerState
        {
            OciVersion = ociVersion,
            Id = id,
            Status = status,
            Pid = pid,
            Bundle = bundle,
            Annotations = annotations,
        };
        return JsonSerializer.SerializeToUtf8Bytes(state, SpecJsonContext.Default.ContainerState);
    }
}
