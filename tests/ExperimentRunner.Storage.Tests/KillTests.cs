using System.Collections.Concurrent;
using System.Diagnostics;
using ExperimentRunner.Core.Events;
using Xunit.Abstractions;

namespace ExperimentRunner.Storage.Tests;

[Collection(TimingCollection.Name)]
public sealed class KillTests(ITestOutputHelper output)
{
    [Fact]
    public void A_process_killed_at_random_moments_leaves_a_database_that_opens_and_holds_every_event_older_than_100_ms()
    {
        using var temp = new TempFolder();
        var rng = new Random(2026);
        for (int trial = 0; trial < 4; trial++)
        {
            string db = temp.File($"kill{trial}.db");
            // The last trial writes an encrypted study: LiteDB's encryption sits between our streams and the pages.
            string? password = trial == 3 ? "kill-test" : null;
            var env = new Dictionary<string, string?> { [StudyFiles.PasswordVariable] = password };
            var lines = new ConcurrentQueue<(long ReceivedMs, long Count)>();
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(Exrun.StartInfo(temp.Path, password is null ? null : env, "db", "soak", "--db", db, "--rate", "3000", "--seconds", "60"))!;
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("written ", StringComparison.Ordinal))
                    lines.Enqueue((clock.ElapsedMilliseconds, long.Parse(line[8..], System.Globalization.CultureInfo.InvariantCulture)));
            };
            var stderr = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var started = Stopwatch.StartNew();
            while (lines.IsEmpty && started.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited) Thread.Sleep(5);
            Assert.False(lines.IsEmpty, $"soak printed nothing: {stderr}");

            Thread.Sleep(rng.Next(150, 1500));
            long killMs = clock.ElapsedMilliseconds;
            process.Kill(); // SIGKILL: no handler, no flush, no dispose
            process.WaitForExit();
            long required = lines.Where(l => l.ReceivedMs <= killMs - 100).Select(l => l.Count).DefaultIfEmpty(0).Max();
            long lastPrinted = lines.Select(l => l.Count).Max();

            using (var reader = StudyReader.Open(db, password))
            {
                StoredSession session = Assert.Single(reader.Sessions());
                var markers = reader.Events(session.SessionId).Where(e => e.Event.Kind == EventKind.Marker).Select(e => (long)e.Event.Value).ToHashSet();
                var flips = reader.Flips(session.SessionId).Select(e => (long)e.Value).ToHashSet();
                long present = 0;
                for (long i = 0; i < required; i++)
                {
                    bool found = i % 2 == 0 ? flips.Contains(i) : markers.Contains(i);
                    Assert.True(found, $"trial {trial}: event {i} of the {required} written more than 100 ms before the kill is missing");
                    present++;
                }
                long stored = markers.Count + flips.Count;
                output.WriteLine($"trial {trial}: killed after {killMs} ms; {required} events due, {stored} stored, {lastPrinted} last printed");
                Assert.True(StudyCheck.Run(reader).Healthy);
            }
            (int code, string checkOut, string checkErr) = Exrun.Run(temp.Path, password is null ? null : env, "db", "check", "--db", db);
            Assert.True(code == 0, checkOut + checkErr);

            // A writer opens it again (cutting a torn log page, if any) and can go on.
            using (var store = LiteDbStore.Open(db, password))
            {
                var e = new EventRecord { Kind = EventKind.Marker, TimeNs = 1, Value = -1 };
                store.Write(in e);
                Assert.True(store.Flush(TimeSpan.FromSeconds(10)));
            }
            Assert.True(StudyCheck.Run(db, password).Healthy);
        }
    }
}
