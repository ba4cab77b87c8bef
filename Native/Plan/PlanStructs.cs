using System;
using System.Buffers.Binary;

namespace OciRuntime.Native.Plan;

/// <summary>Byte images of the kernel structs plan steps pass by pointer (x86_64 layout).</summary>
public static class PlanStructs
{
    /// <summary>struct open_how for openat2(2).</summary>
    public static byte[] OpenHow(ulong flags, ulong mode, ulong resolve)
    {
        var b = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(b, flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), mode);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), resolve);
        return b;
    }

    /// <summary>struct mount_attr for mount_setattr(2).</summary>
    public static byte[] MountAttr(ulong attrSet, ulong attrClear, ulong propagation, ulong usernsFd = 0)
    {
        var b = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(b, attrSet);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), attrClear);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), propagation);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), usernsFd);
        return b;
    }

    /// <summary>struct __user_cap_header_struct (version 3) followed by two __user_cap_data_struct.</summary>
    public static (byte[] Header, byte[] Data) CapSet(ulong effective, ulong permitted, ulong inheritable)
    {
        var h = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x20080522);
        var d = new byte[24];
        for (int i = 0; i < 2; i++)
        {
            int shift = 32 * i;
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12 * i), (uint)(effective >> shift));
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12 * i + 4), (uint)(permitted >> shift));
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12 * i + 8), (uint)(inheritable >> shift));
        }
        return (h, d);
    }

    /// <summary>struct rlimit64.</summary>
    public static byte[] Rlimit(ulong soft, ulong hard)
    {
        var b = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(b, soft);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), hard);
        return b;
    }

    /// <summary>struct winsize.</summary>
    public static byte[] Winsize(ushort rows, ushort cols)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(b, rows);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), cols);
        return b;
    }

    public static byte[] Int32(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return b;
    }

    /// <summary>An array of gid_t for setgroups(2).</summary>
    public static byte[] Gids(ReadOnlySpan<uint> gids)
    {
        var b = new byte[Math.Max(4, gids.Length * 4)];
        for (int i = 0; i < gids.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4 * i), gids[i]);
        return b;
    }

    /// <summary>NUL-separated strings (argv or envp block the C side splits into pointers).</summary>
    public static byte[] StringBlock(System.Collections.Generic.IReadOnlyList<string> items)
    {
        int n = 0;
        foreach (string s in items)
        {
            PlanStrings.EnsureNoNul(s);
            n += System.Text.Encoding.UTF8.GetByteCount(s) + 1;
        }
        var b = new byte[Math.Max(n, 1)];
        int pos = 0;
        foreach (string s in items)
        {
            pos += System.Text.Encoding.UTF8.GetBytes(s, 0, s.Length, b, pos);
            b[pos++] = 0;
        }
        return b;
    }
}
