using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config.md "Mounts" (and its Linux mount options / idmapped mounts).</summary>
internal static class MountRules
{
    public static void Check(OciConfig c, ErrorSink sink)
    {
        if (c.Mounts is null) return;
        bool userNs = c.Linux?.Namespaces is { } list && NamespaceSet.From(list).Has("user");
        for (int i = 0; i < c.Mounts.Count; i++)
        {
            string path = JsonPathText.Index("mounts", i);
            var m = c.Mounts[i];
            if (m is null) { sink.Add(path, "mount entries must be objects, got null"); continue; }

            // destination is REQUIRED. On Linux a relative one is deprecated but allowed
            // (interpreted relative to "/"), so only emptiness and NUL are errors.
            if (string.IsNullOrEmpty(m.Destination))
                sink.Add(JsonPathText.Prop(path, "destination"), "required: the mount point inside the container is missing");
            else if (Text.HasNul(m.Destination))
                sink.Add(JsonPathText.Prop(path, "destination"), $"invalid path {Text.Quote(m.Destination)}: contains a NUL byte");

            if (Text.HasNul(m.Source))
                sink.Add(JsonPathText.Prop(path, "source"), $"invalid path {Text.Quote(m.Source)}: contains a NUL byte");

            bool idmapOption = false;
            if (m.Options is not null)
            {
                for (int j = 0; j < m.Options.Count; j++)
                {
                    var o = m.Options[j];
                    if (o is null) sink.Add(JsonPathText.Index(JsonPathText.Prop(path, "options"), j), "mount options must be strings, got null");
                    else if (o == "idmap" || o == "ridmap") idmapOption = true;
                }
            }

            // config.md: uidMappings and gidMappings MUST be specified together.
            if (m.UidMappings is not null && m.GidMappings is null)
                sink.Add(JsonPathText.Prop(path, "gidMappings"), "required when uidMappings is set (idmapped mounts need both)");
            if (m.GidMappings is not null && m.UidMappings is null)
                sink.Add(JsonPathText.Prop(path, "uidMappings"), "required when gidMappings is set (idmapped mounts need both)");
            IdMappingRules.Check(m.UidMappings, JsonPathText.Prop(path, "uidMappings"), sink);
            IdMappingRules.Check(m.GidMappings, JsonPathText.Prop(path, "gidMappings"), sink);

            // "idmap"/"ridmap" without mappings of their own borrow the container's user
            // namespace mapping; without a user namespace an error MUST be returned.
            if (idmapOption && m.UidMappings is null && m.GidMappings is null && !userNs)
                sink.Add(JsonPathText.Prop(path, "options"),
                    "the idmap/ridmap option needs uidMappings/gidMappings on the mount or a user namespace in linux.namespaces");
        }
    }
}
