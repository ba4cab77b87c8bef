using System;
using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp;

/// <summary>
/// Compiled programs on disk, so a container start skips the compiler. Key: SHA-256 of the
/// canonical JSON of linux.seccomp + runtime version + native arch (+ the file format), so a
/// new runtime or another profile never reuses a stale program. Files are written to a temp
/// name and renamed (atomic on one filesystem), and carry their own SHA-256: a torn, short or
/// corrupt file is ignored, recompiled and replaced.
/// </summary>
public sealed class SeccompProgramCache
{
    private static readonly byte[] Magic = "OCISECC1"u8.ToArray();
    private const int HeaderSize = 8 + 4 + 4 + 4; // magic, flags, needsListener, count
    private const int HashSize = 32;

    private readonly string _directory;
    private readonly string _runtimeVersion;

    /// <param name="directory">e.g. <c>&lt;root&gt;/seccomp-cache</c>; created on first store.</param>
    /// <param name="runtimeVersion">the runtime's version: a new build never trusts an old cache.</param>
    public SeccompProgramCache(string directory, string runtimeVersion)
    {
        _directory = directory;
        _runtimeVersion = runtimeVersion;
    }

    /// <summary>The cached program for <paramref name="spec"/>, compiling and storing it on a miss.</summary>
    /// <exception cref="OciRuntime.Spec.Validation.SpecException">The section is invalid (never cached).</exception>
    public SeccompProgram GetOrCompile(LinuxSeccomp spec, string nativeArch = "SCMP_ARCH_X86_64")
    {
        string path = Path.Combine(_directory, Key(spec, nativeArch) + ".bpf");
        if (TryLoad(path) is { } cached) return cached;
        SeccompProgram program = SeccompCompiler.Compile(spec, nativeArch);
        TryStore(path, program);
        return program;
    }

    /// <summary>The cache key: lowercase hex SHA-256.</summary>
    public string Key(LinuxSeccomp spec, string nativeArch)
    {
        var sb = new StringBuilder(4096);
        // The tag changes with the compiler's semantics (v2: runc's split of repeated argument
        // indexes), which the runtime version alone does not track between builds.
        sb.Append("oci-runtime seccomp cache v2\n").Append(_runtimeVersion).Append('\n').Append(nativeArch).Append('\n');
        CanonicalJson.Write(sb, spec);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static SeccompProgram? TryLoad(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        if (data.Length < HeaderSize + HashSize || !data.AsSpan(0, 8).SequenceEqual(Magic)) return null;
        ReadOnlySpan<byte> body = data.AsSpan(0, data.Length - HashSize);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(data.AsSpan(data.Length - HashSize))) return null;
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8));
        uint listener = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16));
        if (count == 0 || count > Bpf.MaxInstructions || body.Length != HeaderSize + count * 8) return null;
        SockFilter[]? code = SeccompProgram.ParseInstructions(body.Slice(HeaderSize));
        return code is null ? null : new SeccompProgram(code, flags, listener != 0);
    }

    private void TryStore(string path, SeccompProgram program)
    {
        byte[] code = program.ToBytes();
        var data = new byte[HeaderSize + code.Length + HashSize];
        Magic.CopyTo(data, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), program.Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), program.NeedsListener ? 1u : 0u);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), (uint)program.Instructions.Length);
        code.CopyTo(data, HeaderSize);
        SHA256.HashData(data.AsSpan(0, HeaderSize + code.Length), data.AsSpan(HeaderSize + code.Length));

        // A cache that can't be written only costs a recompile next time: never fail the start.
        string tmp = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllBytes(tmp, data);
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException) { TryDelete(tmp); }
        catch (UnauthorizedAccessException) { TryDelete(tmp); }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
