using System.Diagnostics;

namespace ExperimentRunner.Hardware.Tests.Support;

/// <summary>
/// Runs only where socat is installed. Without socat the test is skipped with a message, except under CI
/// (environment CI=true), where it runs and fails: CI must test the serial paths.
/// </summary>
public sealed class SocatFactAttribute : FactAttribute
{
    public SocatFactAttribute()
    {
        if (PtyPair.SocatPath is null && !PtyPair.IsCi)
            Skip = "socat is not installed (apt-get install socat); serial tests through a pseudo-terminal pair are skipped";
    }
}

/// <summary>
/// Two connected pseudo-terminals from socat (<c>pty,raw,echo=0,link=…</c> twice): bytes written to
/// <see cref="A"/> come out of <see cref="B"/> and back. Both ends are symbolic links in a temporary folder.
/// </summary>
public sealed class PtyPair : IDisposable
{
    private readonly Process _socat;
    private readonly string _dir;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>socat's path, looked up on PATH; null when it is not installed.</summary>
    public static string? SocatPath { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "socat"))
        .FirstOrDefault(File.Exists);

    public PtyPair()
    {
        if (SocatPath is null) throw new InvalidOperationException("socat is required for the serial tests under CI (CI=true) but is not installed");
        _dir = Directory.CreateTempSubdirectory("exrun-pty-").FullName;
        A = Path.Combine(_dir, "a");
        B = Path.Combine(_dir, "b");
        var start = new ProcessStartInfo(SocatPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"pty,raw,echo=0,link={A}");
        start.ArgumentList.Add($"pty,raw,echo=0,link={B}");
        _socat = Process.Start(start) ?? throw new InvalidOperationException("socat did not start");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(File.Exists(A) && File.Exists(B)))
        {
            if (_socat.HasExited) throw new InvalidOperationException($"socat exited: {_socat.StandardError.ReadToEnd()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create the pseudo-terminals within 10 s");
            Thread.Sleep(10);
        }
    }

    /// <summary>One end (a symbolic link to /dev/pts/N).</summary>
    public string A { get; }

    /// <summary>The other end.</summary>
    public string B { get; }

    /// <summary>Opens an end for writing, unbuffered.</summary>
    public static FileStream OpenWriter(string path) => new(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);

    /// <summary>Ends socat: both pseudo-terminals hang up.</summary>
    public void Kill()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill();
            _socat.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Kill();
        _socat.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Reads every byte that arrives at a pseudo-terminal end on a background thread.</summary>
public sealed class PtyReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly List<byte> _bytes = [];
    private readonly Thread _thread;

    public PtyReader(string path)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        _thread = new Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                while (true)
                {
                    int n = _stream.Read(buffer, 0, buffer.Length);
                    if (n <= 0) return;
                    lock (_bytes) _bytes.AddRange(buffer.AsSpan(0, n));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>Waits until at least <paramref name="count"/> bytes came (or the timeout); returns what came.</summary>
    public byte[] WaitFor(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_bytes)
            {
                if (_bytes.Count >= count || DateTime.UtcNow > deadline) return _bytes.ToArray();
            }
            Thread.Sleep(5);
        }
    }

    public void Dispose() => _stream.Dispose();
}
