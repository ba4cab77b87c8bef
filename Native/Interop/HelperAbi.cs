using System.Runtime.InteropServices;

namespace OciRuntime.Native.Interop;

/// <summary>Entry points of the C plan interpreter linked into the executable.</summary>
public static partial class HelperAbi
{
    internal const string Library = "ocihelper";

    [LibraryImport(Library, EntryPoint = "oci_helper_abi_version")]
    public static partial int AbiVersion();
}
