using System;
using System.Collections.Generic;
using System.Text;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// D-Bus marshalling (little-endian) of the few types the driver sends: every value is aligned
/// to its natural boundary counted from the start of the buffer (a message body starts 8-aligned,
/// so body-relative alignment is the wire's). Arrays carry their byte length, without the padding
/// before the first element.
/// </summary>
public sealed class DBusWriter
{
    private readonly List<byte> _b = new();

    public int Length => _b.Count;
    public byte[] ToArray() => _b.ToArray();

    public void Align(int n)
    {
        while (_b.Count % n != 0) _b.Add(0);
    }

    public void Byte(byte v) => _b.Add(v);
    public void Bool(bool v) => UInt32(v ? 1u : 0u);

    public void UInt16(ushort v)
    {
        Align(2);
        _b.Add((byte)v);
        _b.Add((byte)(v >> 8));
    }

    public void UInt32(uint v)
    {
        Align(4);
        for (int i = 0; i < 4; i++) _b.Add((byte)(v >> (8 * i)));
    }

    public void UInt64(ulong v)
    {
        Align(8);
        for (int i = 0; i < 8; i++) _b.Add((byte)(v >> (8 * i)));
    }

    /// <summary>'s' and 'o': uint32 length, UTF-8 bytes, NUL.</summary>
    public void String(string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        UInt32((uint)bytes.Length);
        _b.AddRange(bytes);
        _b.Add(0);
    }

    /// <summary>'g': one length byte, the signature, NUL.</summary>
    public void Signature(string s)
    {
        if (s.Length > 255) throw new ArgumentException("D-Bus signature longer than 255 bytes", nameof(s));
        _b.Add((byte)s.Length);
        _b.AddRange(Encoding.ASCII.GetBytes(s));
        _b.Add(0);
    }

    /// <summary>Starts an array whose elements align to <paramref name="elementAlignment"/>; returns the token for <see cref="EndArray"/>.</summary>
    public (int LengthAt, int ElementsAt) BeginArray(int elementAlignment)
    {
        UInt32(0);
        int lengthAt = _b.Count - 4;
        Align(elementAlignment);
        return (lengthAt, _b.Count);
    }

    public void EndArray((int LengthAt, int ElementsAt) a)
    {
        uint len = (uint)(_b.Count - a.ElementsAt);
        for (int i = 0; i < 4; i++) _b[a.LengthAt + i] = (byte)(len >> (8 * i));
    }

    public void BeginStruct() => Align(8);
}
