using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;
using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp;

/// <summary>
/// Compiled programs on disk, so a container start skips the compiler. The file name is the
/// XxHash128 of the canonical JSON of linux.seccomp + runtime version + native arch, and the
/// file holds that canonical text itself: a program is used only when the text matches exactly,
/// so the non-cryptographic hash is an index, never what decides which filter a container gets
/// (a crafted collision finds a file whose text differs, and recompiles). XxHash128 is managed
/// code; SHA-256 loaded OpenSSL into the process (dlopen of libssl and libcrypto: 2.4 ms and 3.7 MB
/// of RSS on every create, run and exec with a profile). Files are written to a temp name and
/// renamed, and end with the XxHash128 of their content: a torn, short or corrupt file is ignored,
/// recompiled and replaced.
/// </summary>
public sealed class SeccompProgramCache
{
    private static readonly byte[] Magic = "OCISECC2"u8.ToArray();
    private const int HeaderSize = 8 + 4 + 4 + 4 + 4; // magic, flags, needsListener, count, key length
    private const int HashSize = 16;

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
        byte[] key = KeyText(spec, nativeArch);
        string path = Path.Combine(_directory, FileName(key) + ".bpf");
        if (TryLoad(path, key) is { } cached) return cached;
        SeccompProgram program = SeccompCompiler.Compile(spec, nativeArch);
        TryStore(path, key, program);
        return program;
    }

    /// <summary>The cache file's name: lowercase hex XxHash128 of the key text.</summary>
    public string Key(LinuxSeccomp spec, string nativeArch) => FileName(KeyText(spec, nativeArch));

    private static string FileName(byte[] keyText) => Convert.ToHexStringLower(XxHash128.Hash(keyText));

    private byte[] KeyText(LinuxSeccomp spec, string nativeArch)
    {
        var sb = new StringBuilder(4096);
        // The tag changes with the compiler's semantics (v3: runc's split of repeated argument
        // indexes, and the key text stored in the file), which the runtime version alone does not track between builds.
        sb.Append("oci-runtime seccomp cache v3\n").Append(_runtimeVersion).Append('\n').Append(nativeArch).Append('\n');
        CanonicalJson.Write(sb, spec);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static SeccompProgram? TryLoad(string path, byte[] key)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        if (data.Length < HeaderSize + HashSize || !data.AsSpan(0, 8).SequenceEqual(Magic)) return null;
        ReadOnlySpan<byte> body = data.AsSpan(0, data.Length - HashSize);
        if (!XxHash128.Hash(body).AsSpan().SequenceEqual(data.AsSpan(data.Length - HashSize))) return null;
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8));
        uint listener = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16));
        uint keyLength = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(20));
        if (count == 0 || count > Bpf.MaxInstructions || (long)body.Length != HeaderSize + (long)keyLength + count * 8L) return null;
#if !OCI_WEAKEN_SECCOMP_CACHE_TEXT
        if (keyLength != key.Length || !body.Slice(HeaderSize, key.Length).SequenceEqual(key)) return null;
#endif
        SockFilter[]? code = SeccompProgram.ParseInstructions(body.Slice(HeaderSize + (int)keyLength));
        return code is null ? null : new SeccompProgram(code, flags, listener != 0);
    }

    private void TryStore(string path, byte[] key, SeccompProgram program)
    {
        byte[] code = program.ToBytes();
        int bodyLength = HeaderSize + key.Length + code.Length;
        var data = new byte[bodyLength + HashSize];
        Magic.CopyTo(data, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), program.Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), program.NeedsListener ? 1u : 0u);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), (uint)program.Instructions.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(20), (uint)key.Length);
        key.CopyTo(data, HeaderSize);
        code.CopyTo(data, HeaderSize + key.Length);
        XxHash128.Hash(data.AsSpan(0, bodyLength), data.AsSpan(bodyLength));

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
