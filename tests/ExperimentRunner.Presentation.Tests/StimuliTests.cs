using System.Buffers.Binary;
using System.Text;
using ExperimentRunner.Presentation.Stimuli;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Tests;

public sealed class StimuliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("exrun-stimuli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Generate(int count, int seed, string name)
    {
        string dir = Path.Combine(_root, name);
        ProfileGenerator.Generate(count, seed, dir);
        return dir;
    }

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void TheSameSeedGivesByteIdenticalFiles()
    {
        var first = Files(Generate(6, 7, "a"));
        var second = Files(Generate(6, 7, "b"));

        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.Equal(7, first.Count);
        foreach (var (name, bytes) in first) Assert.True(bytes.AsSpan().SequenceEqual(second[name]), $"{name} differs");
    }

    [Fact]
    public void DifferentSeedsGiveDifferentProfilesAndPictures()
    {
        var a = Files(Generate(6, 7, "a"));
        var b = Files(Generate(6, 8, "b"));

        Assert.False(a["profiles.csv"].AsSpan().SequenceEqual(b["profiles.csv"]));
        Assert.Contains(a.Keys.Where(k => k.EndsWith(".png")), k => !a[k].AsSpan().SequenceEqual(b[k]));
    }

    [Fact]
    public void TheTableParsesBackWithTheExpectedColumnsAndItsPhotosExist()
    {
        string dir = Generate(12, 2026, "t");
        byte[] raw = File.ReadAllBytes(Path.Combine(dir, "profiles.csv"));
        Assert.False(raw.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte-order mark");

        var rows = Csv.Parse(Encoding.UTF8.GetString(raw));

        Assert.Equal(["id", "photo", "name", "age", "bio"], rows[0]);
        Assert.Equal(13, rows.Count);
        foreach (var row in rows.Skip(1))
        {
            Assert.Equal(5, row.Length);
            Assert.Matches("^p[0-9]{3}$", row[0]);
            Assert.Equal($"images/{row[0]}.png", row[1]);
            Assert.True(File.Exists(Path.Combine(dir, row[1])));
            Assert.False(string.IsNullOrWhiteSpace(row[2]));
            Assert.InRange(int.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture), 21, 45);
            Assert.EndsWith(".", row[4]);
            Assert.Equal(2, row[4].Split(". ").Length);
        }
        Assert.Equal(12, rows.Skip(1).Select(r => r[2]).Distinct().Count());
    }

    [Fact]
    public void PhotosArePortraitPngsOfFourHundredByFiveHundred()
    {
        string dir = Generate(2, 1, "p");
        using var bitmap = SKBitmap.Decode(Path.Combine(dir, "images", "p001.png"));
        Assert.Equal((400, 500), (bitmap.Width, bitmap.Height));
        using var self = SKBitmap.Decode(AvatarPainter.Portrait(AvatarPainter.Silhouette()));
        Assert.Equal((400, 500), (self.Width, self.Height));
    }

    [Fact]
    public void FieldsWithCommasAndQuotesAreQuotedAsInRfc4180()
    {
        string csv = ProfileTableWriter.ToCsv([new GeneratedProfile("p001", "images/p001.png", "Ann", 30, "Hi, I'm \"Ann\". Bye.")]);
        Assert.Equal("id,photo,name,age,bio\np001,images/p001.png,Ann,30,\"Hi, I'm \"\"Ann\"\". Bye.\"\n", csv);
        Assert.Equal("Hi, I'm \"Ann\". Bye.", Csv.Parse(csv)[1][4]);
    }

    [Fact]
    public void TheChimeIsTwoHundredMillisecondsOfSixteenBitMonoPcmAt44100Hz()
    {
        byte[] wav = Chime.Wav();
        var s = wav.AsSpan();
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(wav, 8, 4));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(s[20..]));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(s[22..]));
        Assert.Equal(44100, BinaryPrimitives.ReadInt32LittleEndian(s[24..]));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(s[34..]));
        Assert.Equal(8820 * 2, BinaryPrimitives.ReadInt32LittleEndian(s[40..]));
        Assert.Equal(44 + 8820 * 2, wav.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt16LittleEndian(s[44..]));
        Assert.Equal(wav, Chime.Wav());
    }

    [Fact]
    public void TheShippedTableIsWhatTheDocumentedCommandWrites()
    {
        string? repo = AppContext.BaseDirectory;
        while (repo != null && !File.Exists(Path.Combine(repo, "ExperimentRunner.sln"))) repo = Path.GetDirectoryName(repo);
        Assert.NotNull(repo);
        string dir = Generate(60, 2026, "shipped");
        Assert.Equal(File.ReadAllText(Path.Combine(repo, "stimuli", "profiles", "profiles.csv")), File.ReadAllText(Path.Combine(dir, "profiles.csv")));
    }

    /// <summary>A small RFC 4180 reader, independent of the writer under test.</summary>
    private static class Csv
    {
        public static List<string[]> Parse(string text)
        {
            var rows = new List<string[]>();
            var row = new List<string>();
            var field = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else field.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
                else if (c == '\n' || c == '\r')
                {
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row.ToArray());
                    row.Clear();
                }
                else field.Append(c);
            }
            if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row.ToArray()); }
            return rows;
        }
    }
}
