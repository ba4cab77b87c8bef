using System.Collections.Generic;

namespace OciRuntime.Seccomp.Tables;

/// <summary>Name → number for one ABI, built from the generated arrays on first use.</summary>
internal sealed class SyscallTable
{
    private readonly Dictionary<string, uint> _byName;
    public uint Max { get; }
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<uint> Numbers { get; }

    public SyscallTable(string[] names, uint[] numbers)
    {
        var d = new Dictionary<string, uint>(names.Length);
        uint max = 0;
        for (int i = 0; i < names.Length; i++)
        {
            d[names[i]] = numbers[i];
            if (numbers[i] > max) max = numbers[i];
        }
        _byName = d;
        Max = max;
        Names = names;
        Numbers = numbers;
    }

    public uint? Resolve(string name) => _byName.TryGetValue(name, out uint nr) ? nr : null;
}

internal static class SyscallTables
{
    public static readonly SyscallTable X86_64 = new(SyscallsX86_64.Names, SyscallsX86_64.Numbers);
    public static readonly SyscallTable X32 = new(SyscallsX32.Names, SyscallsX32.Numbers);
    public static readonly SyscallTable X86 = new(SyscallsX86.Names, SyscallsX86.Numbers);
    public static readonly SyscallTable Aarch64 = new(SyscallsAarch64.Names, SyscallsAarch64.Numbers);
    public static readonly SyscallTable Arm = new(SyscallsArm.Names, SyscallsArm.Numbers);
}
