namespace OciRuntime.Cri.Guest;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off). Under `dotnet test` it is never
/// called; `dotnet Oci.Cri.dll --systemd-guest` runs <see cref="SystemdGuestSuite"/> directly,
/// because inside the TCG guest starting vstest and its test host alone takes ~90 s.
/// </summary>
public static class GuestProgram
{
    public static int Main(string[] args)
    {
        if (args is not ["--systemd-guest"])
        {
            Console.Error.WriteLine("usage: dotnet Oci.Cri.dll --systemd-guest   (inside the systemd guest: conformance/Cri/systemd-guest.sh)");
            return 2;
        }
        // A private copy: the host's bin/oci-runtime may be rebuilt while the guest runs (the 9p share
        // is cache=loose, and a replaced mapped binary dies with SIGBUS).
        string rt = CriEnv.Binary("oci-runtime");
        if (File.Exists(rt))
        {
            string copy = Path.Combine(Directory.CreateTempSubdirectory("occri-bin-").FullName, "oci-runtime");
            File.Copy(rt, copy);
            File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
            Environment.SetEnvironmentVariable("OCI_RUNTIME", copy);
        }
        return SystemdGuestSuite.Run();
    }
}
