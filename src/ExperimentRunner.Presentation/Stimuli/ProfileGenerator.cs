using Bogus;

namespace ExperimentRunner.Presentation.Stimuli;

/// <summary>
/// Synthetic dating profiles: fictitious first names, ages 21–45, two-sentence bios (Bogus with a fixed seed) and a
/// drawn avatar per profile. Deterministic: the same (count, seed) gives the same bytes, on the same SkiaSharp build.
/// </summary>
public static class ProfileGenerator
{
    public const int MaxCount = 999;

    /// <summary>The folder, beside the table, that holds the photos.</summary>
    public const string ImagesFolder = "images";

    /// <summary>
    /// Writes <c>profiles.csv</c> and <c>images/pNNN.png</c> into <paramref name="outDir"/>; returns the rows.
    /// <paramref name="onProgress"/> is called on the calling thread with the number of profiles done so far.
    /// </summary>
    public static IReadOnlyList<GeneratedProfile> Generate(int count, int seed, string outDir, Action<int>? onProgress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        string images = Path.Combine(outDir, ImagesFolder);
        Directory.CreateDirectory(images);

        // Text and pictures draw from separate streams, so changing the drawing never changes names or bios.
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        var drawing = new Random(seed);
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<GeneratedProfile>(count);
        for (int i = 1; i <= count; i++)
        {
            bool female = faker.Random.Bool();
            var gender = female ? Bogus.DataSets.Name.Gender.Female : Bogus.DataSets.Name.Gender.Male;
            string name = faker.Name.FirstName(gender);
            for (int tries = 0; tries < 20 && !usedNames.Add(name); tries++) name = faker.Name.FirstName(gender);
            int age = faker.Random.Int(21, 45);
            string bio = Bios.Make(faker);
            string id = $"p{i:000}";
            string photo = $"{ImagesFolder}/{id}.png";
            var look = AvatarLook.Random(drawing, female);
            AvatarPainter.WriteFile(Path.Combine(images, id + ".png"), AvatarPainter.Portrait(look));
            rows.Add(new GeneratedProfile(id, photo, name, age, bio));
            onProgress?.Invoke(i);
        }
        ProfileTableWriter.Write(Path.Combine(outDir, ProfileTableWriter.FileName), rows);
        return rows;
    }

    /// <summary>
    /// Faces without a name, an age or a bio (for face-judgment tasks): <c>faces.csv</c> (<c>id,photo</c>) and
    /// <c>images/fNNN.png</c>, drawn avatars as <see cref="Generate"/> draws them. Deterministic like it.
    /// </summary>
    public static IReadOnlyList<GeneratedProfile> GenerateFaces(int count, int seed, string outDir, Action<int>? onProgress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        string images = Path.Combine(outDir, ImagesFolder);
        Directory.CreateDirectory(images);
        var drawing = new Random(seed);
        var rows = new List<GeneratedProfile>(count);
        for (int i = 1; i <= count; i++)
        {
            string id = $"f{i:000}";
            var look = AvatarLook.Random(drawing, longHairLikely: drawing.Next(2) == 0);
            AvatarPainter.WriteFile(Path.Combine(images, id + ".png"), AvatarPainter.Portrait(look));
            rows.Add(new GeneratedProfile(id, $"{ImagesFolder}/{id}.png", "", 0, ""));
            onProgress?.Invoke(i);
        }
        ProfileTableWriter.WriteFaces(Path.Combine(outDir, ProfileTableWriter.FacesFileName), rows);
        return rows;
    }
}
