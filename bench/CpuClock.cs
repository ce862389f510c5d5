using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Portal.Bench;

/// <summary>
/// Process CPU time in seconds. On Linux from <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>
/// (nanoseconds): <see cref="Process.TotalProcessorTime"/> reads /proc in 10 ms clock ticks, too
/// coarse for the 25–60 ms rounds of the kernel comparison (a median of ticks is 20, 30 or 40 ms).
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessCpuTime = 2; // CLOCK_PROCESS_CPUTIME_ID
    private static bool unavailable = !OperatingSystem.IsLinux();

    public static double Seconds()
    {
        if (!unavailable)
        {
            try
            {
                if (NativeMethods.clock_gettime(ProcessCpuTime, out var time) == 0)
                {
                    return time.Seconds + (time.Nanoseconds / 1e9);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }

            unavailable = true;
        }

        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392, CA1401, IDE1006 // a single blittable libc call
        [DllImport("libc", EntryPoint = "clock_gettime")]
        public static extern int clock_gettime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054, CA5392, CA1401, IDE1006
    }
}
