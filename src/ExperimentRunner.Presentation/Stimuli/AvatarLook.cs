using SkiaSharp;

namespace ExperimentRunner.Presentation.Stimuli;

/// <summary>What one avatar looks like; every value is chosen from a seeded <see cref="Random"/>.</summary>
public sealed record AvatarLook(
    SKColor BackgroundTop,
    SKColor BackgroundBottom,
    SKColor Skin,
    SKColor Hair,
    SKColor Shirt,
    HairStyle Style,
    float HeadWidth,
    float HeadHeight,
    float ShoulderWidth,
    bool Features)
{
    private static readonly SKColor[] SkinTones =
    [
        new(0xFF, 0xE0, 0xC4), new(0xF6, 0xCF, 0xAE), new(0xEA, 0xBD, 0x98), new(0xD9, 0xA5, 0x7E),
        new(0xC0, 0x8A, 0x62), new(0xA0, 0x6C, 0x48), new(0x7D, 0x52, 0x36), new(0x5C, 0x3B, 0x28),
    ];

    private static readonly SKColor[] HairColours =
    [
        new(0x1E, 0x17, 0x14), new(0x3B, 0x27, 0x1C), new(0x5E, 0x3D, 0x26), new(0x8A, 0x5A, 0x32),
        new(0xB0, 0x6A, 0x3B), new(0xD8, 0xB3, 0x72), new(0xE8, 0xD0, 0x9A), new(0x6B, 0x2E, 0x1F),
    ];

    public static AvatarLook Random(Random rng, bool longHairLikely)
    {
        float hue = rng.Next(360);
        var top = SKColor.FromHsv(hue, 18 + rng.Next(20), 88 + rng.Next(10));
        var bottom = SKColor.FromHsv((hue + 20) % 360, 30 + rng.Next(20), 62 + rng.Next(15));
        var skin = SkinTones[rng.Next(SkinTones.Length)];
        var hair = HairColours[rng.Next(HairColours.Length)];
        var shirt = SKColor.FromHsv(rng.Next(360), 35 + rng.Next(45), 35 + rng.Next(50));
        HairStyle style = longHairLikely
            ? (HairStyle)new[] { 2, 2, 3, 3, 4, 1 }[rng.Next(6)]
            : (HairStyle)new[] { 0, 1, 1, 4, 5, 5 }[rng.Next(6)];
        return new AvatarLook(top, bottom, skin, hair, shirt, style,
            HeadWidth: 150 + rng.Next(30), HeadHeight: 190 + rng.Next(30), ShoulderWidth: 300 + rng.Next(70), Features: true);
    }
}

/// <summary>Hair shapes of the drawn avatars.</summary>
public enum HairStyle { Buzz = 0, Short = 1, Long = 2, Bob = 3, Bun = 4, Curly = 5, None = 6 }
