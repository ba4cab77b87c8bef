using System.Diagnostics;
using Grpc.Core;
using Runtime.V1;

namespace OciRuntime.Cri.Tests;

/// <summary>
/// ExecSync (probes: output, exit code, timeout) and streaming Exec (kubectl exec) through
/// containerd's streaming server, with and without a terminal, per runtime handler.
/// </summary>
[Collection("cri")]
public sealed class ExecTests(CriDaemon d)
{
    public static TheoryData<string> Handlers => CriEnv.Handlers;

    static TestPod RunningPod(CriDaemon d, string handler, string tag, out string id)
    {
        var pod = new TestPod(d, handler, tag);
        id = pod.Start("app", "sleep", "1000");
        pod.WaitFor(id, ContainerState.ContainerRunning);
        return pod;
    }

    [Theory, MemberData(nameof(Handlers))]
    public void ExecSync_OutputAndExitCode(string handler)
    {
        using var pod = RunningPod(d, handler, "execsync", out string id);
        var r = pod.ExecSync(id, 10, "sh", "-c", "echo out; echo err >&2; cat /proc/1/cmdline | tr '\\0' ' '; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\nsleep 1000 ", TestPod.Text(r.Stdout));
        Assert.Equal("err\n", TestPod.Text(r.Stderr));

        r = pod.ExecSync(id, 10, "true");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", TestPod.Text(r.Stdout) + TestPod.Text(r.Stderr));
    }

    [Theory, MemberData(nameof(Handlers))]
    public void ExecSync_MissingBinary_IsAnError(string handler)
    {
        using var pod = RunningPod(d, handler, "execsync-nobin", out string id);
        var e = Assert.Throws<RpcException>(() => pod.ExecSync(id, 10, "/no/such/exec"));
        CriReport.Line($"{handler}: ExecSync of a missing binary: {e.Status.Detail}");
        Assert.Contains("/no/such/exec", e.Status.Detail);
        Assert.Equal(ContainerState.ContainerRunning, pod.Status(id).State);
    }

    [Theory, MemberData(nameof(Handlers))]
    public void ExecSync_Timeout_KillsTheProcess_AndReturns(string handler)
    {
        using var pod = RunningPod(d, handler, "execsync-timeout", out string id);
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<RpcException>(() => pod.ExecSync(id, 1, "sleep", "37"));
        sw.Stop();
        CriReport.Line($"{handler}: ExecSync(timeout 1 s) of sleep 37: {sw.Elapsed.TotalSeconds:F2} s, {e.StatusCode}: {e.Status.Detail}");
        Assert.Contains("timeout", e.Status.Detail);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"ExecSync with a 1 s timeout returned after {sw.Elapsed.TotalSeconds:F1} s");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (HostState.ProcessesMatching("sleep 37").Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Empty(HostState.ProcessesMatching("sleep 37"));
        Assert.Equal(ContainerState.ContainerRunning, pod.Status(id).State);
        Assert.Equal(0, pod.ExecSync(id, 10, "true").ExitCode);
    }

    async Task<ExecOutput> Exec(string id, ExecRequest req, Func<ExecStream, CancellationToken, Task>? input = null)
    {
        req.ContainerId = id;
        string url = d.Runtime.Exec(req, CriDaemon.Deadline()).Url;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var s = await ExecStream.Connect(url, cts.Token);
        if (input is not null) await input(s, cts.Token);
        return await s.Output.WaitAsync(cts.Token);
    }

    [Theory, MemberData(nameof(Handlers))]
    public async Task Exec_Streaming_WithoutTty_SeparatesStdoutStderr_AndReportsTheExitCode(string handler)
    {
        using var pod = RunningPod(d, handler, "exec", out string id);
        var o = await Exec(id, new ExecRequest { Cmd = { "sh", "-c", "echo out; echo err >&2; test -t 1 || echo no-tty; exit 4" }, Stdout = true, Stderr = true });
        Assert.Equal("out\nno-tty\n", o.Stdout);
        Assert.Equal("err\n", o.Stderr);
        Assert.Equal(4, o.ExitCode);

        o = await Exec(id, new ExecRequest { Cmd = { "true" }, Stdout = true, Stderr = true });
        Assert.Equal(0, o.ExitCode);
    }

    [Theory, MemberData(nameof(Handlers))]
    public async Task Exec_Streaming_Stdin_ReachesTheProcess(string handler)
    {
        using var pod = RunningPod(d, handler, "exec-stdin", out string id);
        var o = await Exec(id, new ExecRequest { Cmd = { "sh", "-c", "read a; read b; echo \"$b/$a\"" }, Stdin = true, Stdout = true, Stderr = true },
            (s, ct) => s.Stdin("one\ntwo\n", ct));
        Assert.Equal("two/one\n", o.Stdout);
        Assert.Equal(0, o.ExitCode);
    }

    [Theory, MemberData(nameof(Handlers))]
    public async Task Exec_Streaming_WithTty_ATerminal_ResizedByTheClient(string handler)
    {
        using var pod = RunningPod(d, handler, "exec-tty", out string id);
        var o = await Exec(id, new ExecRequest { Cmd = { "sh", "-c", "read line; test -t 0 && tty; stty size; echo got-$line; exit 5" }, Tty = true, Stdin = true, Stdout = true },
            async (s, ct) =>
            {
                await s.Resize(123, 45, ct);
                await Task.Delay(500, ct); // the resize and stdin travel separately to the shim
                await s.Stdin("hello\r", ct);
            });
        string output = o.Stdout.Replace("\r", "");
        Assert.Matches(@"/dev/pts/\d+\n", output);
        Assert.Contains("45 123\n", output);
        Assert.Contains("got-hello\n", output);
        Assert.Equal("", o.Stderr);
        Assert.Equal(5, o.ExitCode);
    }
}
