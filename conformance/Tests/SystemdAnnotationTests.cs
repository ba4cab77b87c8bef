using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// runc 1.1.5's org.systemd.property.* annotations, the part a host without systemd as PID 1 can
/// show: a value or name the runtime cannot use is refused before anything is created, in one line
/// naming the annotation (runc too: it parses them while converting the spec). That the properties
/// reach the unit is checked against real systemd in conformance/vm/systemd-suite.sh.
/// </summary>
public class SystemdAnnotationTests
{
    static CliResult CreateWithAnnotation(string tag, string key, string value)
    {
        using var c = new Container(tag);
        c.Configure(b =>
        {
            b.Config["annotations"] = new JsonObject { [key] = value };
            b.Linux["cgroupsPath"] = "system.slice:oci-conf:" + c.Id;
            b.Args("true");
        });
        CliResult r = c.Cli.Exec(["--systemd-cgroup", "create", "--bundle", c.Bundle.Dir, c.Id], RunOptions.Default with { DetachedStdio = true });
        c.Cli.Exec("delete", "--force", c.Id);
        return r;
    }

    static void AssertOneLineNaming(CliResult r, string key, string? phrase)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + r.Describe());
        Assert.Contains(key, lines[0]);
        if (phrase != null && !TestEnv.IsRunc) Assert.Contains(phrase, lines[0]);
    }

    [Theory]
    [InlineData("org.systemd.property.CollectMode", "inactive-or-failed", "is not a GVariant text value")] // an unquoted string
    [InlineData("org.systemd.property.TimeoutStopUSec", "uint64 -5", "out of range")]
    [InlineData("org.systemd.property.TimeoutStopSec", "'ten'", "not a number of seconds")]
    [InlineData("org.systemd.property.Memory_Max", "1", "not a systemd property name")]
    [InlineData("org.systemd.property.Ab", "true", "not a systemd property name")]
    public void UnusableAnnotation_IsRefusedNamingIt(string key, string value, string phrase)
    {
        CliResult r = CreateWithAnnotation("sd-annot", key, value);
        AssertOneLineNaming(r, key, phrase);
        if (!TestEnv.IsRunc) Assert.StartsWith($"annotations[\"{key}\"]: ", r.Stderr.Trim(), StringComparison.Ordinal);
    }

    /// <summary>
    /// PIDs from an annotation would put a process from outside the container into the scope that
    /// delete empties with cgroup.kill; Slice would move the unit away from the recorded cgroup.
    /// runc 1.1.5 passes both on to systemd (here it then fails for want of systemd as PID 1).
    /// </summary>
    [Theory]
    [InlineData("org.systemd.property.PIDs", "[uint32 1]")]
    [InlineData("org.systemd.property.Slice", "'user.slice'")]
    public void PropertiesThatDecideTheCgroup_AreRefused(string key, string value)
    {
        CliResult r = CreateWithAnnotation("sd-annot-own", key, value);
        Assert.Equal(1, r.ExitCode);
        if (TestEnv.IsRunc) return; // runc is weaker here: it does not look at these names
        AssertOneLineNaming(r, key, "cannot be overridden");
    }
}
