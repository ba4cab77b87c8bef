using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config-linux.md "Devices": device nodes to create.</summary>
internal static class DeviceRules
{
    public static void Check(List<LinuxDevice>? devices, ErrorSink sink)
    {
        if (devices is null) return;
        for (int i = 0; i < devices.Count; i++)
        {
            string p = JsonPathText.Index("linux.devices", i);
            var d = devices[i];
            if (d is null) { sink.Add(p, "device entries must be objects, got null"); continue; }

            bool fifo = d.Type == "p";
            if (string.IsNullOrEmpty(d.Type))
                sink.Add(JsonPathText.Prop(p, "type"), $"required: missing device type ({KnownValues.OneOf(KnownValues.DeviceTypes)})");
            else if (!KnownValues.Contains(KnownValues.DeviceTypes, d.Type))
                sink.Add(JsonPathText.Prop(p, "type"), $"unknown device type {Text.Quote(d.Type)} ({KnownValues.OneOf(KnownValues.DeviceTypes)})");

            // path is REQUIRED: the "full path to device inside container".
            if (string.IsNullOrEmpty(d.Path))
                sink.Add(JsonPathText.Prop(p, "path"), "required: the device path inside the container is missing");
            else if (!Text.IsAbsolute(d.Path))
                sink.Add(JsonPathText.Prop(p, "path"), $"invalid device path {Text.Quote(d.Path)}: must be an absolute path");
            else if (Text.HasNul(d.Path))
                sink.Add(JsonPathText.Prop(p, "path"), $"invalid device path {Text.Quote(d.Path)}: contains a NUL byte");

            // major, minor: REQUIRED unless type is p.
            if (!fifo)
            {
                if (d.Major is null) sink.Add(JsonPathText.Prop(p, "major"), $"required for device type {Text.Quote(d.Type)}: missing");
                if (d.Minor is null) sink.Add(JsonPathText.Prop(p, "minor"), $"required for device type {Text.Quote(d.Type)}: missing");
            }
            // makedev(3) takes unsigned numbers: a negative one cannot name a device.
            if (d.Major is < 0) sink.Add(JsonPathText.Prop(p, "major"), $"invalid major number {d.Major}: must not be negative");
            if (d.Minor is < 0) sink.Add(JsonPathText.Prop(p, "minor"), $"invalid minor number {d.Minor}: must not be negative");

            // fileMode holds permission bits only (defs.json caps it at 0777); the file type comes
            // from "type". Set-id/sticky bits are tolerated because mknod(2) accepts them and
            // clients copying a host device's st_mode & ~S_IFMT can produce them.
            if (d.FileMode is > 4095)
                sink.Add(JsonPathText.Prop(p, "fileMode"), $"invalid file mode {d.FileMode} (0{System.Convert.ToString(d.FileMode.Value, 8)}): only permission bits are allowed (at most 07777; decimal, e.g. 438 for 0666)");
        }
    }
}
