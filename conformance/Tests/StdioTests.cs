namespace OciRuntime.Conformance.Tests;

/// <summary>Without a terminal the runtime's fds 0-2 are the container's stdio; nothing else leaks in.</summary>
public class StdioTests
{
    [Fact]
    public void Run_StdinIsReadByCat_StdoutAndStderrAreSeparate()
    {
        using var c = new Container("stdio").Configure(b => b.Sh("cat; echo to-stderr >&2; echo to-stdout"));
        var r = c.Run(new RunOptions { Stdin = "line one\nline two\n" }).ShouldSucceed();
        Assert.Equal("line one\nline two\nto-stdout\n", r.Stdout);
        Assert.Equal("to-stderr\n", r.Stderr);
    }

    [Fact]
    public void Create_StdinAndStdoutPipesReachTheContainer()
    {
        using var c = new Container("stdio-create").Configure(b => b.Sh("cat; echo err >&2"));
        var r = c.CreateStartWait(new RunOptions { Stdin = "from stdin\n" });
        Assert.Equal("from stdin\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    // `ls -l /proc/self/fd` lists ls's own fds: 0 1 2 and the directory it is reading (a /proc path).
    static void AssertOnlyStdio(string lsOutput, string marker, string context)
    {
        var fds = new Dictionary<string, string>();
        foreach (var line in lsOutput.Split('\n'))
        {
            int arrow = line.IndexOf(" -> ", StringComparison.Ordinal);
            if (arrow < 0) continue;
            string name = line[..arrow].Split(' ', StringSplitOptions.RemoveEmptyEntries).Last();
            fds[name] = line[(arrow + 4)..];
        }
        Assert.True(fds.ContainsKey("0") && fds.ContainsKey("1") && fds.ContainsKey("2"), context);
        var leaked = fds.Where(kv => kv.Value.Contains(marker)).ToList();
        Assert.True(leaked.Count == 0, "the fd 3 given to the runtime reached the container as fd " +
            string.Join(", ", leaked.Select(kv => $"{kv.Key} -> {kv.Value}")) + "\n" + context);
        var extra = fds.Where(kv => kv.Key is not ("0" or "1" or "2") && !kv.Value.StartsWith("/proc/", StringComparison.Ordinal)).ToList();
        Assert.True(extra.Count == 0, "unexpected fds inside the container: " +
            string.Join(", ", extra.Select(kv => $"{kv.Key} -> {kv.Value}")) + "\n" + context);
    }

    [Fact]
    public void Create_InheritedFd3_IsAbsentInside()
    {
        using var c = new Container("fd3-create").Configure(b => b.Args("ls", "-l", "/proc/self/fd"));
        string marker = Path.Combine(c.Dir, "fd3-marker-file");
        File.WriteAllText(marker, "leak");
        var r = c.CreateStartWait(new RunOptions { Fd3Path = marker });
        AssertOnlyStdio(r.Stdout, "fd3-marker-file", r.Describe());
    }

    [Fact]
    public void Run_InheritedFd3_IsAbsentInside()
    {
        using var c = new Container("fd3-run").Configure(b => b.Args("ls", "-l", "/proc/self/fd"));
        string marker = Path.Combine(c.Dir, "fd3-marker-file");
        File.WriteAllText(marker, "leak");
        var r = c.Run(new RunOptions { Fd3Path = marker }).ShouldSucceed();
        AssertOnlyStdio(r.Stdout, "fd3-marker-file", r.Describe());
    }
}
