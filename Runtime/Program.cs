namespace OciRuntime;

public static class Program
{
    private static int Main(string[] args)
    {
        System.Console.WriteLine($"oci-runtime helper abi {OciRuntime.Native.Interop.HelperAbi.AbiVersion()}");
        return 0;
    }
}
