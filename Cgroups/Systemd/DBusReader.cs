using System;
using System.Text;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>Reads little-endian D-Bus values from a message body (offsets are body-relative, the body being 8-aligned).</summary>
public sealed class DBusReader
{
    private readonly byte[] _b;
    private int _pos;

    public DBusReader(byte[] buffer, int start = 0)
    {
        _b = buffer;
        _pos = start;
    }

    public int Position => _pos;

    public void Align(int n)
    {
        while (_pos % n != 0) _pos++;
    }

    public byte Byte() => _b[Need(1)];

    public uint UInt32()
    {
        Align(4);
        int p = Need(4);
        return (uint)(_b[p] | _b[p + 1] << 8 | _b[p + 2] << 16 | _b[p + 3] << 24);
    }

    public ulong UInt64()
    {
        Align(8);
        int p = Need(8);
        return BitConverter.ToUInt64(_b, p);
    }

    public string String()
    {
        int len = (int)UInt32();
        int p = Need(len + 1);
        return Encoding.UTF8.GetString(_b, p, len);
    }

    public string Signature()
    {
        int len = Byte();
        int p = Need(len + 1);
        return Encoding.ASCII.GetString(_b, p, len);
    }

    /// <summary>Skips one value of a basic type (header fields the client does not use).</summary>
    public void Skip(char type)
    {
        switch (type)
        {
            case 'y': Byte(); break;
            case 'b': case 'u': case 'i': UInt32(); break;
            case 't': case 'x': UInt64(); break;
            case 's': case 'o': String(); break;
            case 'g': Signature(); break;
            default: throw new InvalidOperationException($"D-Bus: cannot skip a value of type '{type}'");
        }
    }

    private int Need(int n)
    {
        if (n < 0 || _pos + n > _b.Length) throw new InvalidOperationException("D-Bus: message shorter than its contents");
        int p = _pos;
        _pos += n;
        return p;
    }
}
