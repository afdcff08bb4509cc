using ExperimentRunner.Core.Devices;
using SkiaSharp;

namespace ExperimentRunner.Presentation.Composition;

// Preloading 300 profile cards (issue 17): a card's panel (blurred drop shadow, fill, border) is the same on every card
// of a size and place, and its blur is a quarter of a card's composition time. Drawn once on the background into a
// tile, it is copied onto each freshly cleared screen after: the very pixels DrawPanel leaves there, put back where
// they were (whole-pixel offsets, no blending), so the screen is byte for byte what it was.
public sealed partial class SceneComposer
{
    private readonly Dictionary<(float X, float Y, float W, float H), (SKBitmap Tile, int Left, int Top)> _panelTiles = new();

    /// <summary>Panels are copied from tiles (true, the default) or drawn each time (false: for the tests that compare the two).</summary>
    internal bool PanelTiles { get; set; } = true;

    /// <summary>
    /// Draws a card's panel on a canvas that holds nothing but the background (cleared, nothing drawn since) where the
    /// panel and its shadow go. Falls back to drawing it when the canvas is transformed.
    /// </summary>
    private void DrawPanelOnBackground(SKCanvas canvas, PixelRect card)
    {
        if (!PanelTiles || !canvas.TotalMatrix.IsIdentity)
        {
            DrawPanel(canvas, card);
            return;
        }
        var key = (card.X, card.Y, card.Width, card.Height);
        if (!_panelTiles.TryGetValue(key, out var tile))
        {
            if (_panelTiles.Count >= 8) DisposePanelTiles();
            tile = PanelTile(card);
            _panelTiles[key] = tile;
        }
        using var copy = new SKPaint { BlendMode = SKBlendMode.Src };
        canvas.DrawBitmap(tile.Tile, tile.Left, tile.Top, copy);
    }

    /// <summary>The panel drawn on the background, in a tile that holds every pixel it touches (the shadow's blur reaches
    /// about three sigmas past its rectangle, which sits 6 px lower): the same pixel grid as the screen's, moved by whole pixels.</summary>
    private (SKBitmap Tile, int Left, int Top) PanelTile(PixelRect card)
    {
        float reach = 4 * Math.Max(1, 10 * _s) + 6 * _s + 4;
        int left = Math.Max(0, (int)Math.Floor(card.X - reach));
        int top = Math.Max(0, (int)Math.Floor(card.Y - reach));
        int right = Math.Min(Width, (int)Math.Ceiling(card.Right + reach));
        int bottom = Math.Min(Height, (int)Math.Ceiling(card.Bottom + reach));
        var bitmap = new SKBitmap(new SKImageInfo(Math.Max(1, right - left), Math.Max(1, bottom - top), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(Palette.Background);
        canvas.Translate(-left, -top);
        DrawPanel(canvas, card);
        canvas.Flush();
        return (bitmap, left, top);
    }

    private void DisposePanelTiles()
    {
        foreach (var tile in _panelTiles.Values) tile.Tile.Dispose();
        _panelTiles.Clear();
    }
}
