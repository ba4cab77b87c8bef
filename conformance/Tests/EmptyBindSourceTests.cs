namespace OciRuntime.Conformance.Tests;

/// <summary>
/// A bind mount whose source is "" or missing. runc 1.1.5 (the oracle) binds the bundle directory
/// for both (a relative source is relative to the bundle, and Go's zero-value string is ""), with
/// and without a user namespace; so do we. In a user namespace the sources reach the init as fds
/// (BindSources), one for every bind the planner waits for: a bind skipped on one side and not on
/// the other left the init waiting for an fd never sent.
/// </summary>
public class EmptyBindSourceTests
{
    public static TheoryData<string?, bool> Cases => new()
    {
        { "", false }, { "", true }, { null, false }, { null, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BindWithoutSource_BindsTheBundleDirectory(string? source, bool userNs)
    {
        using var c = new Container("empty-bind");
        c.Configure(b =>
        {
            if (userNs) b.UserNamespace();
            b.AddMount("/tmp", "bind", "placeholder", "rbind", "ro");
            var mounts = b.Config["mounts"]!.AsArray();
            var m = mounts[mounts.Count - 1]!.AsObject();
            if (source is null) m.Remove("source"); else m["source"] = source;
            b.Sh("ls /tmp; touch /tmp/x 2>/dev/null && echo writable || echo readonly");
        });
        var r = c.Run(new RunOptions { Timeout = TimeSpan.FromSeconds(15) }).ShouldSucceed();
        Assert.Contains("config.json\n", r.Stdout);
        Assert.EndsWith("readonly\n", r.Stdout);
    }
}
