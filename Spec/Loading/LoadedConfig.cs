using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Loading;

/// <summary>A parsed and validated config.json together with the absolute paths derived from it.</summary>
/// <param name="Config">The document as parsed.</param>
/// <param name="BundlePath">Absolute bundle directory.</param>
/// <param name="ConfigPath">Absolute path of the config.json that was read.</param>
/// <param name="RootfsPath">Absolute root filesystem directory: <c>root.path</c>, resolved against the bundle when relative.</param>
public sealed record LoadedConfig(OciConfig Config, string BundlePath, string ConfigPath, string RootfsPath);
