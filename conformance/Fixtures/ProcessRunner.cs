using System.Diagnostics;
using System.Text;

namespace OciRuntime.Conformance;

/// <summary>How to spawn one command.</summary>
public sealed record RunOptions
{
    /// <summary>Bytes written to the child's stdin (a pipe), which is then closed. null: stdin is an empty pipe.</summary>
    public string? Stdin { get; init; }

    /// <summary>If set, the child inherits this file open read-only as fd 3 (via `bash -c 'exec 3&lt;F; exec "$@"'`).</summary>
    public string? Fd3Path { get; init; }

    /// <summary>Extra environment variables for the child.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>The child is killed and the test fails if it has not exited by then.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// For `create` (and `run --detach`): the container inherits our stdout/stderr pipes, so do not wait
    /// for EOF when the runtime returns; the output keeps arriving in the result's collectors.
    /// </summary>
    public bool DetachedStdio { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// If set, the command runs under `bash -c Shell bash FILE ARGS...`: a script that prepares fds and
    /// ends in `exec "$@" &lt;redirections&gt;`, to give the runtime closed, read-only or full stdio.
    /// </summary>
    public string? Shell { get; init; }

    public static readonly RunOptions Default = new();
}

/// <summary>Collects everything read from a stream on a background thread; readable at any time.</summary>
public sealed class StreamCollector
{
    readonly MemoryStream _buf = new();
    readonly ManualResetEventSlim _eof = new();

    public StreamCollector(Stream s)
    {
        var t = new Thread(() =>
        {
            var chunk = new byte[8192];
            try
            {
                int n;
                while ((n = s.Read(chunk, 0, chunk.Length)) > 0)
                    lock (_buf) _buf.Write(chunk, 0, n);
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            finally { _eof.Set(); }
        }) { IsBackground = true, Name = "collector" };
        t.Start();
    }

    public byte[] Bytes { get { lock (_buf) return _buf.ToArray(); } }
    public string Text => Encoding.UTF8.GetString(Bytes);
    public bool WaitEof(TimeSpan timeout) => _eof.Wait(timeout);
}

/// <summary>The outcome of one command: exit code and its stdout/stderr (kept separate).</summary>
public sealed class CliResult
{
    public required IReadOnlyList<string> Command { get; init; }
    public required int ExitCode { get; init; }
    public required StreamCollector Out { get; init; }
    public required StreamCollector Err { get; init; }
    public required TimeSpan Elapsed { get; init; }

    public string Stdout => Out.Text;
    public string Stderr => Err.Text;

    /// <summary>Waits until both output pipes are closed (e.g. the container of a `create` exited).</summary>
    public CliResult WaitForOutput(TimeSpan? timeout = null)
    {
        var t = timeout ?? TimeSpan.FromSeconds(20);
        if (!Out.WaitEof(t) || !Err.WaitEof(t))
            throw new TimeoutException($"output of `{string.Join(' ', Command)}` still open after {t.TotalSeconds:0} s\n{Describe()}");
        return this;
    }

    public string Describe() =>
        $"$ {string.Join(' ', Command.Select(Quote))}\nexit code: {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    static string Quote(string a) => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";

    /// <summary>Asserts exit code 0, with the full command and output in the message otherwise.</summary>
    public CliResult ShouldSucceed()
    {
        Assert.True(ExitCode == 0, "command failed:\n" + Describe());
        return this;
    }

    /// <summary>
    /// Asserts the runtime failed the way callers can handle: exactly the given status (1 for every
    /// runtime error; 255 is exec's "could not start") and no .NET or Go crash report on stderr. Any
    /// other non-zero status (134 = abort, 2 = Go panic, 137 = killed) is a crash, never a failure.
    /// </summary>
    public CliResult ShouldFail(int status = 1)
    {
        // A failed command leaves no container holding its pipes: wait for them to drain, so the
        // caller's checks on the message never race the reader threads (seen with detached create).
        Out.WaitEof(TimeSpan.FromSeconds(5));
        Err.WaitEof(TimeSpan.FromSeconds(5));
        Assert.True(ExitCode != 0, "command unexpectedly succeeded:\n" + Describe());
        Assert.True(ExitCode == status, $"command failed with exit status {ExitCode}, expected {status}:\n" + Describe());
        Assert.False(HasCrashReport(Stderr), "stderr carries a crash report:\n" + Describe());
        return this;
    }

    /// <summary>A .NET unhandled exception ("Unhandled exception.", "   at Frame") or a Go panic.</summary>
    public static bool HasCrashReport(string text) =>
        text.Contains("Unhandled exception", StringComparison.Ordinal) ||
        text.Contains("\n   at ", StringComparison.Ordinal) || text.StartsWith("   at ", StringComparison.Ordinal) ||
        text.Contains("panic: ", StringComparison.Ordinal) || text.Contains("goroutine ", StringComparison.Ordinal);
}

public static class ProcessRunner
{
    /// <summary>Runs file with args; kills it (whole tree) and throws if it exceeds the timeout.</summary>
    public static CliResult Run(string file, IEnumerable<string> args, RunOptions? options = null)
    {
        var o = options ?? RunOptions.Default;
        var argv = args.ToList();
        var psi = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (o.WorkingDirectory != null) psi.WorkingDirectory = o.WorkingDirectory;
        if (o.Shell != null)
        {
            psi.FileName = "/bin/bash";
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(o.Shell);
            psi.ArgumentList.Add("bash");
            psi.ArgumentList.Add(file);
        }
        else if (o.Fd3Path != null)
        {
            psi.FileName = "/bin/bash";
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec 3<\"$0\" && exec \"$@\"");
            psi.ArgumentList.Add(o.Fd3Path);
            psi.ArgumentList.Add(file);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in argv) psi.ArgumentList.Add(a);
        if (o.Env != null)
            foreach (var (k, v) in o.Env) psi.Environment[k] = v;

        var command = new List<string> { file };
        command.AddRange(argv);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = new StreamCollector(p.StandardOutput.BaseStream);
        var stderr = new StreamCollector(p.StandardError.BaseStream);
        var stdinWriter = Task.Run(() =>
        {
            try
            {
                if (o.Stdin != null)
                {
                    p.StandardInput.Write(o.Stdin);
                    p.StandardInput.Flush();
                }
                p.StandardInput.Close();
            }
            catch (IOException) { /* the child closed its stdin */ }
        });

        if (!p.WaitForExit(o.Timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(5000);
            throw new TimeoutException(
                $"`{string.Join(' ', command)}` did not finish within {o.Timeout.TotalSeconds:0} s (killed)\n" +
                $"--- stdout ---\n{stdout.Text}\n--- stderr ---\n{stderr.Text}");
        }
        sw.Stop();
        stdinWriter.Wait(TimeSpan.FromSeconds(5));
        var result = new CliResult { Command = command, ExitCode = p.ExitCode, Out = stdout, Err = stderr, Elapsed = sw.Elapsed };
        if (!o.DetachedStdio)
            result.WaitForOutput(o.Timeout);
        return result;
    }
}
