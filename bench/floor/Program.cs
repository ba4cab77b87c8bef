// Does nothing: its time and peak RSS are the NativeAOT process floor of bench/run.sh.
internal static class Program
{
    private static int Main() => 0;
}
