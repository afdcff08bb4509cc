using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Preloading 300 profile cards (issue 17): a card lays out its name and its bio twice, once to size the photo and once
// to draw them, and a text's layout is about a millisecond of a card. A text block depends only on what it is made
// from (and is not changed after), so the last few are kept and handed out again for the same arguments.
public sealed partial class SceneComposer
{
    private readonly record struct TextKey(string? Text, SKTypeface Face, float Size, float MaxWidth, float LineSpacing, int MaxLines, bool FakeBold);

    private const int RecentTexts = 4;
    private readonly (TextKey Key, TextBlock Block)?[] _recentTexts = new (TextKey, TextBlock)?[RecentTexts];
    private int _nextText;

    /// <summary>Texts are kept (true, the default) or laid out at every call (false: for the benchmark's figures of before).</summary>
    internal bool KeepTexts { get; set; } = true;

    /// <summary>Forgets the texts kept (the benchmark composes each card several ways, each paying what one compose pays).</summary>
    internal void ForgetTexts() => Array.Clear(_recentTexts);

    /// <summary><see cref="TextBlock.Create"/>, or the same block again when one of the last few was made from the same arguments.</summary>
    private TextBlock LaidOut(string? text, SKTypeface face, float size, float maxWidth, float lineSpacing, int maxLines, bool fakeBold)
    {
        if (!KeepTexts) return TextBlock.Create(text, face, size, maxWidth, lineSpacing, maxLines, fakeBold);
        var key = new TextKey(text, face, size, maxWidth, lineSpacing, maxLines, fakeBold);
        foreach (var recent in _recentTexts)
            if (recent is { } r && r.Key == key) return r.Block;
        var block = TextBlock.Create(text, face, size, maxWidth, lineSpacing, maxLines, fakeBold);
        _recentTexts[_nextText] = (key, block);
        _nextText = (_nextText + 1) % RecentTexts;
        return block;
    }
}
