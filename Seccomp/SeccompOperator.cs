namespace OciRuntime.Seccomp;

/// <summary>The argument comparison operators of linux.seccomp.syscalls[].args[].op.</summary>
public enum SeccompOperator
{
    NotEqual,
    LessThan,
    LessOrEqual,
    Equal,
    GreaterOrEqual,
    GreaterThan,
    MaskedEqual,
}

public static class SeccompOperators
{
    public static readonly string[] Names =
    {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    };

    public static SeccompOperator? Parse(string name)
    {
        int i = System.Array.IndexOf(Names, name);
        return i < 0 ? null : (SeccompOperator)i;
    }
}
